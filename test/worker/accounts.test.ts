import { describe, expect, it } from "vitest";
import { Browser, type ErrorBody, freshName, ORIGIN } from "./accounts";
import { captureLogs } from "./client";

describe("claiming a name with a passkey", () => {
  it("makes an account: /api/me names it, through a cookie no script can read that lasts 30 days", async () => {
    const browser = new Browser();
    const name = freshName("claim");
    const res = await browser.claim(name);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name, devices: 1 });
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^__Host-hallway_session=[0-9a-f]{64}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=259\d{4}/);
    const me = await browser.me();
    expect(me.status).toBe(200);
    const view = await me.json<{ name: string; createdAt: number; devices: number }>();
    expect(view).toMatchObject({ name, devices: 1 });
    expect(Math.abs(view.createdAt - Date.now())).toBeLessThan(60_000);
  });

  it("answers 401 unauthorized to /api/me without a session, or with a forged one", async () => {
    const anonymous = new Browser();
    const res = await anonymous.me();
    expect(res.status).toBe(401);
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "unauthorized" } });
    const forger = new Browser();
    await forger.claim(freshName("forge"));
    forger.cookie = (forger.cookie ?? "").replace(/\.[A-Za-z0-9_-]{43}$/, `.${"A".repeat(43)}`);
    expect((await forger.me()).status).toBe(401);
    forger.cookie = `__Host-hallway_session=${"0".repeat(64)}.${"A".repeat(43)}`;
    expect((await forger.me()).status).toBe(401);
  });

  it("refuses a name already claimed, and its look-alikes, with 409 name_claimed", async () => {
    const name = freshName("alice");
    expect((await new Browser().claim(name)).status).toBe(200);
    for (const lookAlike of [name, name.toUpperCase(), name.replace("a", "\u0430"), name.replace("l", "I")]) {
      const { res } = await new Browser().claimOptions(lookAlike);
      expect(res.status, lookAlike).toBe(409);
      expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "name_claimed" } });
    }
  });

  it("claims a name under both of its keys: after `Ian...`, `lan...` is taken too", async () => {
    const tail = freshName("").toLowerCase();
    expect((await new Browser().claim(`Ian${tail}`)).status).toBe(200);
    expect((await new Browser().claimOptions(`lan${tail}`)).res.status).toBe(409);
  });

  it("lets only one of two people claiming one name at once have it", async () => {
    const name = freshName("race");
    const [a, b] = [new Browser(), new Browser()];
    const [optionsA, optionsB] = [await a.claimOptions(name), await b.claimOptions(name)];
    if (optionsA.body === null || optionsB.body === null) throw new Error("options refused");
    const [responseA, responseB] = [
      await a.authenticator.register(optionsA.body.options),
      await b.authenticator.register(optionsB.body.options),
    ];
    const results = await Promise.all([
      a.fetch("/api/auth/claim/verify", { body: { ceremony: optionsA.body.ceremony, response: responseA } }),
      b.fetch("/api/auth/claim/verify", { body: { ceremony: optionsB.body.ceremony, response: responseB } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it("refuses a bad name with bad_username", async () => {
    const { res } = await new Browser().claimOptions("no spaces please");
    expect(res.status).toBe(400);
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "bad_username" } });
  });
});

describe("signing in with a passkey", () => {
  it("signs in on a browser without a session, with the passkey alone", async () => {
    const first = new Browser();
    const name = freshName("signin");
    await first.claim(name);
    const elsewhere = new Browser(first.authenticator);
    expect((await elsewhere.me()).status).toBe(401);
    const res = await elsewhere.signIn();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name });
    expect(await (await elsewhere.me()).json()).toMatchObject({ name });
  });

  it("refuses a replayed response: each challenge answers once", async () => {
    const browser = new Browser();
    await browser.claim(freshName("replay"));
    const { ceremony, options } = await browser.signInOptions();
    const response = await browser.authenticator.authenticate(options);
    const first = await browser.fetch("/api/auth/signin/verify", { body: { ceremony, response } });
    expect(first.status).toBe(200);
    const again = await browser.fetch("/api/auth/signin/verify", { body: { ceremony, response } });
    expect(again.status).toBe(400);
    expect(await again.json<ErrorBody>()).toMatchObject({ error: { code: "challenge_expired" } });
  });

  it("refuses a claim's replayed response too", async () => {
    const browser = new Browser();
    const { body } = await browser.claimOptions(freshName("replayclaim"));
    if (body === null) throw new Error("options refused");
    const response = await browser.authenticator.register(body.options);
    expect(
      (await browser.fetch("/api/auth/claim/verify", { body: { ceremony: body.ceremony, response } })).status,
    ).toBe(200);
    const again = await browser.fetch("/api/auth/claim/verify", { body: { ceremony: body.ceremony, response } });
    expect(await again.json<ErrorBody>()).toMatchObject({ error: { code: "challenge_expired" } });
  });

  it.each([
    ["another origin", { origin: "https://evil.example" }],
    ["another relying party", { rpId: "evil.example" }],
    ["a challenge it was not given", { challenge: "A".repeat(43) }],
  ])("refuses a response made for %s", async (_, tweak) => {
    const browser = new Browser();
    await browser.claim(freshName("forged"));
    const res = await browser.signIn(tweak);
    expect(res.status).toBe(400);
    const code = (await res.json<ErrorBody>()).error.code;
    // A challenge that was never handed out finds no ceremony to answer.
    expect(["verification_failed", "challenge_expired"]).toContain(code);
    if (!("challenge" in tweak)) expect(code).toBe("verification_failed");
  });

  it("refuses a passkey that was only touched, not unlocked: the person must be verified", async () => {
    const claim = await new Browser().claim(freshName("touch"), { unverified: true });
    expect(await claim.json<ErrorBody>()).toMatchObject({ error: { code: "verification_failed" } });
    const browser = new Browser();
    await browser.claim(freshName("touchin"));
    const res = await browser.signIn({ unverified: true });
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "verification_failed" } });
  });

  it("refuses a claim whose response was made for another origin", async () => {
    const res = await new Browser().claim(freshName("evilclaim"), { origin: "https://evil.example" });
    expect(res.status).toBe(400);
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "verification_failed" } });
  });

  it("refuses a passkey whose counter goes back, and says so in the log", async () => {
    const browser = new Browser();
    await browser.claim(freshName("clone"));
    expect((await browser.signIn()).status).toBe(200);
    expect((await browser.signIn()).status).toBe(200);
    const logs = captureLogs();
    const res = await browser.signIn({ counter: 1 });
    expect(res.status).toBe(401);
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "counter_regressed" } });
    expect(logs.some((line) => line.includes('"event":"counter_regressed"'))).toBe(true);
  });

  it("rate-limits ceremonies per client address", async () => {
    const browser = new Browser();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await browser.fetch("/api/auth/signin/options", { body: {} })).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const other = new Browser();
    expect((await other.fetch("/api/auth/signin/options", { body: {} })).status).toBe(200);
  });

  it("refuses ceremonies started from another origin's page", async () => {
    const res = await new Browser().fetch("/api/auth/signin/options", {
      body: {},
      headers: { Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "forbidden_origin" } });
    const same = await new Browser().fetch("/api/auth/signin/options", { body: {}, headers: { Origin: ORIGIN } });
    expect(same.status).toBe(200);
  });
});

describe("signing out and deleting", () => {
  it("signs out this browser only", async () => {
    const laptop = new Browser();
    await laptop.claim(freshName("out"));
    const phone = new Browser(laptop.authenticator);
    await phone.signIn();
    const ended = laptop.cookie;
    expect((await laptop.fetch("/api/auth/signout", { body: {} })).status).toBe(204);
    expect(laptop.cookie).toBeNull();
    laptop.cookie = ended;
    expect((await laptop.me()).status).toBe(401);
    expect((await phone.me()).status).toBe(200);
  });

  it("signs out everywhere: every session of the account opens nothing at once", async () => {
    const laptop = new Browser();
    await laptop.claim(freshName("everywhere"));
    const phone = new Browser(laptop.authenticator);
    await phone.signIn();
    expect((await phone.me()).status).toBe(200);
    expect((await laptop.fetch("/api/auth/signout-everywhere", { body: {} })).status).toBe(204);
    expect((await phone.me()).status).toBe(401);
    expect((await laptop.me()).status).toBe(401);
  });

  it("deletes an account: its sessions and passkeys open nothing, and the name is free", async () => {
    const browser = new Browser();
    const name = freshName("gone");
    await browser.claim(name);
    const session = browser.cookie;
    expect((await browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    browser.cookie = session;
    expect((await browser.me()).status).toBe(401);
    const res = await new Browser(browser.authenticator).signIn();
    expect(res.status).toBe(401);
    expect(await res.json<ErrorBody>()).toMatchObject({ error: { code: "unknown_credential" } });
    expect((await new Browser().claim(name)).status).toBe(200);
  });

  it("frees a deleted name's look-alike keys too", async () => {
    const tail = freshName("").toLowerCase();
    const browser = new Browser();
    await browser.claim(`Ian${tail}`);
    await browser.fetch("/api/me", { method: "DELETE" });
    expect((await new Browser().claim(`lan${tail}`)).status).toBe(200);
  });
});
