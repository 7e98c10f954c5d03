import { describe, expect, it } from "vitest";
import { Browser, freshName } from "./accounts";
import { framesOf, freshRoom, join } from "./client";

async function signedIn(prefix: string) {
  const browser = new Browser();
  const name = freshName(prefix);
  expect((await browser.claim(name)).status).toBe(200);
  return { browser, name };
}

/** A fresh room owned by a fresh account, its owner present. */
async function ownedRoom(prefix: string) {
  const room = freshRoom();
  const { browser, name } = await signedIn(prefix);
  const owner = await join(room, {}, browser.headers());
  owner.client.send("/own");
  await owner.client.waitFor("system", (f) => f.payload.event === "operator");
  return { room, browser, name, owner };
}

describe("owned rooms", () => {
  it("a signed-in person who opened a room nobody owns takes it with /own; a later operator nobody appointed loses the role", async () => {
    const { room, name, owner } = await ownedRoom("owner");
    expect(owner.welcome.operator).toBe(true);
    const later = await join(room, { username: freshName("later") });
    expect(later.welcome).toMatchObject({ owner: name, operator: false });
  });

  it("refuses /own to a signed-in person who does not run the room: a busy room is not taken by walking in", async () => {
    const room = freshRoom();
    const first = await join(room, { username: freshName("first") });
    expect(first.welcome.operator).toBe(true);
    const { browser } = await signedIn("thief");
    const thief = await join(room, {}, browser.headers());
    thief.client.send("/own");
    const error = await thief.client.waitFor("error");
    expect(error.payload).toMatchObject({ code: "not_operator" });
    first.client.send("/kick nobody-here");
    expect((await first.client.waitFor("error")).payload.code).toBe("no_such_user");
  });

  it("is nobody's again when its owner's account is deleted, so the room is not locked for good", async () => {
    const { room, browser, owner } = await ownedRoom("leaver");
    expect((await browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    expect((await owner.client.closed).code).toBe(4401);
    const { browser: next } = await signedIn("newowner");
    const again = await join(room, {}, next.headers());
    expect(again.welcome.owner).toBeUndefined();
    expect(again.welcome.operator).toBe(true);
    again.client.send("/own");
    await again.client.waitFor("system", (f) => f.payload.event === "operator");
  });

  it("refuses /own to an anonymous person, and a second /own", async () => {
    const anonRoom = freshRoom();
    const anon = await join(anonRoom, { username: freshName("anon") });
    anon.client.send("/own");
    expect((await anon.client.waitFor("error")).payload.code).toBe("not_allowed");
    const { room } = await ownedRoom("firstowner");
    const { browser: other } = await signedIn("secondowner");
    const second = await join(room, {}, other.headers());
    second.client.send("/own");
    expect((await second.client.waitFor("error")).payload.message).toMatch(/owned by/);
  });

  it("never passes the role by itself: not to the first in an empty room, nor to whoever stays", async () => {
    const { room, browser, owner } = await ownedRoom("keeper");
    const guest = await join(room, { username: freshName("guest") });
    expect(guest.welcome.operator).toBe(false);
    owner.client.send({ type: "quit", payload: {} });
    await guest.client.waitFor("system", (f) => f.payload.event === "leave");
    guest.client.send({ type: "users", payload: {} });
    const users = (await guest.client.waitFor("users")).payload.users;
    expect(users.every((u) => !u.operator)).toBe(true);
    guest.client.close();
    // Empty now; the next one in is not made operator either.
    const next = await join(room, { username: freshName("next") });
    expect(next.welcome.operator).toBe(false);
    // The owner coming back runs the room again.
    const back = await join(room, {}, browser.headers());
    expect(back.welcome.operator).toBe(true);
  });

  it("the owner appoints a signed-in operator with /op, who can moderate, and takes it back with /deop", async () => {
    const { room, owner } = await ownedRoom("boss");
    const { browser: helperBrowser, name: helper } = await signedIn("helper");
    const op = await join(room, {}, helperBrowser.headers());
    const anonName = freshName("anon");
    const anon = await join(room, { username: anonName });
    owner.client.send(`/op ${anonName}`);
    expect((await owner.client.waitFor("error")).payload.message).toMatch(/not signed in/);
    owner.client.send(`/op ${helper}`);
    await op.client.waitFor(
      "system",
      (f) =>
        f.payload.text ===
        `${helper} is an operator now, appointed by ${framesOf(owner.client, "welcome")[0]?.payload.username}`,
    );
    op.client.send(`/kick ${anonName}`);
    expect((await anon.client.closed).code).toBe(4003);
    op.client.send(`/kick ${framesOf(owner.client, "welcome")[0]?.payload.username}`);
    expect((await op.client.waitFor("error")).payload.message).toBe("the room's owner cannot be kicked");
    owner.client.send(`/deop ${helper}`);
    await op.client.waitFor("system", (f) => f.payload.text === `${helper} is no longer an operator`);
    op.client.send("/kick someone");
    expect((await op.client.waitFor("error")).payload.code).toBe("not_operator");
  });

  it("keeps an appointed operator's role across visits and devices", async () => {
    const { room, owner } = await ownedRoom("chief");
    const { browser: laptop, name } = await signedIn("deputy");
    const first = await join(room, {}, laptop.headers());
    owner.client.send(`/op ${name}`);
    await first.client.waitFor("system", (f) => f.payload.text.startsWith(`${name} is an operator now`));
    first.client.send({ type: "quit", payload: {} });
    await first.client.closed;
    const phone = new Browser(laptop.authenticator);
    await phone.signIn();
    const again = await join(room, {}, phone.headers());
    expect(again.welcome.operator).toBe(true);
  });

  it("an operator cannot ban the owner while the owner is away", async () => {
    const { room, name, owner } = await ownedRoom("absent");
    const { browser: deputyBrowser, name: deputy } = await signedIn("deputy");
    const op = await join(room, {}, deputyBrowser.headers());
    owner.client.send(`/op ${deputy}`);
    await op.client.waitFor("system", (f) => f.payload.text.startsWith(`${deputy} is an operator now`));
    owner.client.send({ type: "quit", payload: {} });
    await owner.client.closed;
    op.client.send(`/ban ${name.toUpperCase()}`);
    expect((await op.client.waitFor("error")).payload.message).toBe("the room's owner cannot be banned");
  });
});
