import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SoftAuthenticator } from "../account/authenticator";
import { Browser, type ErrorBody, freshName, ORIGIN } from "./accounts";
import { freshRoom, join } from "./client";

async function claimed(prefix: string) {
  const browser = new Browser();
  const name = freshName(prefix);
  expect((await browser.claim(name)).status).toBe(200);
  return { browser, name };
}

/** Opens a link made by `from` on a new device with a passkey of its own; returns the new device and the answer. */
async function useLink(url: string, device = new Browser(new SoftAuthenticator(ORIGIN))) {
  const code = new URL(url).hash.slice(1);
  const started = await device.fetch("/api/auth/link/options", { body: { code } });
  if (started.status !== 200) return { device, res: started };
  const { ceremony, options } = await started.json<{ ceremony: string; options: never }>();
  const response = await device.authenticator.register(options);
  const res = await device.fetch("/api/auth/link/verify", { body: { code, ceremony, response } });
  return { device, res };
}

describe("another device, from a one-time link", () => {
  it("registers a passkey on the new device for the same account and signs it in", async () => {
    const { browser, name } = await claimed("linked");
    const made = await browser.fetch("/api/auth/link", { body: {} });
    expect(made.status).toBe(200);
    const { url, expiresAt } = await made.json<{ url: string; expiresAt: number }>();
    expect(url).toMatch(new RegExp(`^${ORIGIN}/link#[0-9a-f]{64}\\.`));
    expect(expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const { device, res } = await useLink(url);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name, devices: 2 });
    expect(await (await device.me()).json()).toMatchObject({ name });
    // The new device's own passkey signs in on its own, later.
    const later = new Browser(device.authenticator);
    expect((await later.signIn()).status).toBe(200);
  });

  it("opens once: a second device with the same link is refused with link_expired", async () => {
    const { browser } = await claimed("onceonly");
    const { url } = await (await browser.fetch("/api/auth/link", { body: {} })).json<{ url: string }>();
    expect((await useLink(url)).res.status).toBe(200);
    const second = await useLink(url);
    expect(second.res.status).toBe(400);
    expect(await second.res.json<ErrorBody>()).toMatchObject({ error: { code: "link_expired" } });
  });

  it("refuses a forged link", async () => {
    const { browser } = await claimed("forgedlink");
    const { url } = await (await browser.fetch("/api/auth/link", { body: {} })).json<{ url: string }>();
    const forged = url.replace(/\.[A-Za-z0-9_-]{43}$/, `.${"B".repeat(43)}`);
    expect(await (await useLink(forged)).res.json<ErrorBody>()).toMatchObject({ error: { code: "link_expired" } });
  });

  it("needs a signed-in browser to make a link", async () => {
    const res = await new Browser().fetch("/api/auth/link", { body: {} });
    expect(res.status).toBe(401);
  });
});

interface Started {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
}

async function startDevice(terminal = new Browser()): Promise<Started> {
  const res = await terminal.fetch("/api/device/start", { body: { label: "laptop terminal" } });
  expect(res.status).toBe(200);
  return res.json<Started>();
}

async function poll(deviceCode: string) {
  return new Browser().fetch("/api/device/token", { body: { deviceCode } });
}

describe("the terminal's device flow", () => {
  it("hands the terminal a token once a signed-in browser approves its code", async () => {
    const { browser, name } = await claimed("terminal");
    const started = await startDevice();
    expect(started).toMatchObject({ expiresIn: 600, interval: 2, verificationUri: `${ORIGIN}/device` });
    expect(started.userCode).toMatch(/^[B-Z]{4}-[B-Z]{4}$/);
    expect(started.verificationUriComplete).toBe(`${ORIGIN}/device?code=${started.userCode}`);
    expect(await (await poll(started.deviceCode)).json<ErrorBody>()).toMatchObject({
      error: { code: "authorization_pending" },
    });
    const check = await browser.fetch("/api/device/check", { body: { userCode: started.userCode.toLowerCase() } });
    expect(await check.json()).toEqual({ label: "laptop terminal" });
    expect((await browser.fetch("/api/device/approve", { body: { userCode: started.userCode } })).status).toBe(200);
    const res = await poll(started.deviceCode);
    expect(res.status).toBe(200);
    const { token, name: named } = await res.json<{ token: string; name: string }>();
    expect(named).toBe(name);
    // The token opens the account as a bearer, and the room gives it the account's name and mark.
    const me = await new Browser().fetch("/api/me", { headers: { Authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ name });
    const { welcome } = await join(freshRoom(), { username: "ignored" }, { Authorization: `Bearer ${token}` });
    expect(welcome).toMatchObject({ username: name, verified: true });
    // Handed once: asking again finds nothing.
    expect(await (await poll(started.deviceCode)).json<ErrorBody>()).toMatchObject({
      error: { code: "expired_token" },
    });
  });

  it("tells a terminal that asks too often to slow down", async () => {
    const started = await startDevice();
    await poll(started.deviceCode);
    expect(await (await poll(started.deviceCode)).json<ErrorBody>()).toMatchObject({ error: { code: "slow_down" } });
  });

  it("tells the terminal when the code was refused", async () => {
    const { browser } = await claimed("denier");
    const started = await startDevice();
    expect((await browser.fetch("/api/device/deny", { body: { userCode: started.userCode } })).status).toBe(200);
    expect(await (await poll(started.deviceCode)).json<ErrorBody>()).toMatchObject({
      error: { code: "access_denied" },
    });
  });

  it("allows 5 wrong codes per account, then makes it wait, even for the right one", async () => {
    const { browser } = await claimed("guesser");
    const started = await startDevice();
    for (let i = 0; i < 5; i++) {
      const wrong = await browser.fetch("/api/device/approve", { body: { userCode: "BBBB-BBBB" } });
      expect(wrong.status).toBe(400);
      expect(await wrong.json<ErrorBody>()).toMatchObject({ error: { code: "bad_code" } });
    }
    const locked = await browser.fetch("/api/device/approve", { body: { userCode: started.userCode } });
    expect(locked.status).toBe(429);
    expect(await locked.json<ErrorBody>()).toMatchObject({ error: { code: "too_many_tries" } });
  });

  it("refuses a device code that was never handed out, or is malformed", async () => {
    for (const deviceCode of ["BBBBBBBB.".concat("C".repeat(43)), "nonsense"]) {
      expect(await (await poll(deviceCode)).json<ErrorBody>()).toMatchObject({ error: { code: "expired_token" } });
    }
  });

  it("ends a terminal's token on logout, and only that one", async () => {
    const { browser } = await claimed("logout");
    const started = await startDevice();
    await browser.fetch("/api/device/approve", { body: { userCode: started.userCode } });
    const { token } = await (await poll(started.deviceCode)).json<{ token: string }>();
    const bearer = { Authorization: `Bearer ${token}` };
    expect((await new Browser().fetch("/api/auth/signout", { body: {}, headers: bearer })).status).toBe(204);
    expect((await new Browser().fetch("/api/me", { headers: bearer })).status).toBe(401);
    expect((await browser.me()).status).toBe(200);
  });
});

describe("tokens for scripts", () => {
  it("makes a named token that chats under the account's verified name, lists it, and revokes it", async () => {
    const { browser, name } = await claimed("bot");
    const made = await browser.fetch("/api/tokens", { body: { label: "CI job" } });
    expect(made.status).toBe(201);
    const { id, token, label } = await made.json<{ id: string; token: string; label: string }>();
    expect(label).toBe("CI job");
    const bearer = { Authorization: `Bearer ${token}` };
    const { client, welcome } = await join(freshRoom(), {}, bearer);
    expect(welcome).toMatchObject({ username: name, verified: true });
    client.send({ type: "chatMessage", payload: { message: "build passed" } });
    expect((await client.waitFor("chatMessage")).payload).toMatchObject({ username: name, verified: true });
    const listed = await (await browser.fetch("/api/tokens")).json<{ tokens: { id: string; label: string }[] }>();
    expect(listed.tokens).toEqual([expect.objectContaining({ id, label: "CI job", kind: "token" })]);
    expect((await browser.fetch(`/api/tokens/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await new Browser().fetch("/api/me", { headers: bearer })).status).toBe(401);
  });

  it("revoking a token closes its connections in rooms at once, and the account's browser stays", async () => {
    const { browser, name } = await claimed("revoked");
    const { id, token } = await (await browser.fetch("/api/tokens", { body: { label: "bot" } })).json<{
      id: string;
      token: string;
    }>();
    const room = freshRoom();
    const person = await join(room, {}, browser.headers());
    const bot = await join(room, {}, { Authorization: `Bearer ${token}` });
    expect(bot.welcome).toMatchObject({ username: name, verified: true });
    expect((await browser.fetch(`/api/tokens/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await bot.client.waitFor("error")).payload.code).toBe("signed_out");
    expect((await bot.client.closed).code).toBe(4401);
    person.client.send({ type: "chatMessage", payload: { message: "still here" } });
    expect((await person.client.waitFor("chatMessage")).payload).toMatchObject({ verified: true });
  });

  it("remembers which session opened a connection across the room's eviction", async () => {
    const { browser } = await claimed("evicted");
    const { id, token } = await (await browser.fetch("/api/tokens", { body: { label: "bot" } })).json<{
      id: string;
      token: string;
    }>();
    const room = freshRoom();
    const bot = await join(room, {}, { Authorization: `Bearer ${token}` });
    bot.client.send({ type: "chatMessage", payload: { message: "before" } });
    await bot.client.waitFor("chatMessage");
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    expect((await browser.fetch(`/api/tokens/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await bot.client.closed).code).toBe(4401);
  });

  it("signing out one browser closes that browser's connections, and only those", async () => {
    const { browser: laptop } = await claimed("oneout");
    const phone = new Browser(laptop.authenticator);
    await phone.signIn();
    const room = freshRoom();
    const onLaptop = await join(room, {}, laptop.headers());
    const onPhone = await join(room, {}, phone.headers());
    expect((await laptop.fetch("/api/auth/signout", { body: {} })).status).toBe(204);
    expect((await onLaptop.client.closed).code).toBe(4401);
    onPhone.client.send({ type: "chatMessage", payload: { message: "phone still in" } });
    await onPhone.client.waitFor("chatMessage", (f) => f.payload.message === "phone still in");
  });

  it("lets a token chat but not run the account: no new tokens, no links, no deleting", async () => {
    const { browser } = await claimed("limited");
    const { token } = await (await browser.fetch("/api/tokens", { body: { label: "bot" } })).json<{ token: string }>();
    const bearer = { Authorization: `Bearer ${token}` };
    const bot = new Browser();
    expect((await bot.fetch("/api/tokens", { body: { label: "more" }, headers: bearer })).status).toBe(403);
    expect((await bot.fetch("/api/auth/link", { body: {}, headers: bearer })).status).toBe(403);
    expect((await bot.fetch("/api/me", { method: "DELETE", headers: bearer })).status).toBe(403);
    expect((await browser.me()).status).toBe(200);
  });

  it("ends tokens too when the account signs out everywhere", async () => {
    const { browser } = await claimed("allgone");
    const { token } = await (await browser.fetch("/api/tokens", { body: { label: "bot" } })).json<{ token: string }>();
    await browser.fetch("/api/auth/signout-everywhere", { body: {} });
    expect((await new Browser().fetch("/api/me", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
