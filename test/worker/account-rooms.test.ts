import { describe, expect, it } from "vitest";
import { Browser, freshName } from "./accounts";
import { connect, connectPath, framesOf, freshRoom, join } from "./client";

/** A browser that has claimed a fresh name, and the name. */
async function claimed(prefix: string): Promise<{ browser: Browser; name: string }> {
  const browser = new Browser();
  const name = freshName(prefix);
  const res = await browser.claim(name);
  if (res.status !== 200) throw new Error(`claim refused: ${res.status} ${await res.text()}`);
  return { browser, name };
}

describe("claimed names in rooms", () => {
  it("refuses an impostor: an anonymous join with a claimed name gets name_claimed, then close 4009", async () => {
    const { name } = await claimed("alice");
    const impostor = await connect(freshRoom(), { username: name, session: "impostor-session" });
    const error = await impostor.waitFor("error");
    expect(error.payload.code).toBe("name_claimed");
    expect(error.payload.message).toMatch(/passkey/);
    expect((await impostor.closed).code).toBe(4009);
  });

  it.each([
    ["in capitals", (n: string) => n.toUpperCase()],
    ["with a Cyrillic a", (n: string) => n.replace("a", "\u0430")],
    ["with a capital I for the l", (n: string) => n.replace("l", "I")],
  ])("refuses a look-alike of a claimed name (%s)", async (_, lookAlike) => {
    const { name } = await claimed("alice");
    const impostor = await connect(freshRoom(), { username: lookAlike(name) });
    expect((await impostor.waitFor("error")).payload.code).toBe("name_claimed");
    expect((await impostor.closed).code).toBe(4009);
  });

  it("lets anonymous people in as before: no account needed to talk", async () => {
    const { welcome } = await join(freshRoom(), { username: freshName("anon"), session: "anon-session-1" });
    expect(welcome.verified).toBeUndefined();
    expect(welcome.authorId).toMatch(/^s[0-9a-f]{20}$/);
  });

  it("gives a signed-in join the account's name, the mark, and an author id of the account", async () => {
    const { browser, name } = await claimed("verified");
    const room = freshRoom();
    const { client, welcome } = await join(room, { username: "whatever", session: "device-one" }, browser.headers());
    expect(welcome).toMatchObject({ username: name, verified: true });
    expect(welcome.authorId).toMatch(/^a[0-9a-f]{20}$/);
    const notice = framesOf(client, "system").find((f) => f.payload.event === "join");
    expect(notice?.payload).toMatchObject({ username: name, verified: true });
    client.send({ type: "chatMessage", payload: { message: "it is me" } });
    const message = await client.waitFor("chatMessage");
    expect(message.payload).toMatchObject({ username: name, verified: true, authorId: welcome.authorId });
    client.send({ type: "users", payload: {} });
    expect((await client.waitFor("users")).payload.users).toEqual([
      expect.objectContaining({ username: name, verified: true }),
    ]);
  });

  it("keeps the mark in stored history: a replay shows who was verified when they spoke", async () => {
    const { browser, name } = await claimed("history");
    const room = freshRoom();
    const { client } = await join(room, {}, browser.headers());
    client.send({ type: "chatMessage", payload: { message: "signed" } });
    await client.waitFor("chatMessage");
    client.close();
    const { client: reader } = await join(room, { username: freshName("reader") });
    const history = framesOf(reader, "history")[0]?.payload.messages ?? [];
    const said = history.find((f) => f.type === "chatMessage");
    expect(said?.payload).toMatchObject({ username: name, message: "signed", verified: true });
  });

  it("makes two devices of one account one member: no second notice, one in the count and the list", async () => {
    const { browser: laptop, name } = await claimed("devices");
    const phone = new Browser(laptop.authenticator);
    expect((await phone.signIn()).status).toBe(200);
    const room = freshRoom();
    const witness = (await join(room, { username: freshName("witness") })).client;
    const first = await join(room, { session: "laptop-session" }, laptop.headers());
    await witness.waitFor("system", (f) => f.payload.event === "join" && f.payload.username === name);
    const second = await join(room, { session: "phone-session" }, phone.headers());
    expect(second.welcome).toMatchObject({ username: name, verified: true, authorId: first.welcome.authorId });
    expect(framesOf(second.client, "userCount").at(-1)?.payload.count).toBe(2);
    // A message from the phone reaches the laptop, as tabs of one person.
    second.client.send({ type: "chatMessage", payload: { message: "from my phone" } });
    await first.client.waitFor("chatMessage", (f) => f.payload.message === "from my phone");
    await witness.sync();
    expect(
      framesOf(witness, "system").filter((f) => f.payload.event === "join" && f.payload.username === name),
    ).toHaveLength(1);
    witness.send({ type: "users", payload: {} });
    const users = (await witness.waitFor("users")).payload.users;
    expect(users.filter((u) => u.username === name)).toHaveLength(1);
  });

  it("gives the name to its account: an anonymous holder from before the claim is renamed, and told why", async () => {
    const room = freshRoom();
    const name = freshName("carol");
    const early = (await join(room, { username: name, session: "early-session" })).client;
    const owner = new Browser();
    expect((await owner.claim(name)).status).toBe(200);
    const { welcome } = await join(room, { session: "owner-session" }, owner.headers());
    expect(welcome).toMatchObject({ username: name, verified: true });
    const renamed = await early.waitFor("renamed");
    expect(renamed.payload.username).toMatch(/^Anon_/);
    const notice = await early.waitFor("system", (f) => f.payload.event === "nick");
    expect(notice.payload.text).toContain(`the name ${name} belongs to an account`);
  });

  it("moves this browser's anonymous self to its account when it claims the name it uses, with no leave or join, only the mark", async () => {
    const room = freshRoom();
    const name = freshName("dave");
    const witness = (await join(room, { username: freshName("witness") })).client;
    const before = (await join(room, { username: name, session: "daves-browser" })).client;
    await witness.waitFor("system", (f) => f.payload.event === "join" && f.payload.username === name);
    const browser = new Browser();
    expect((await browser.claim(name)).status).toBe(200);
    const after = await join(room, { username: name, session: "daves-browser" }, browser.headers());
    expect(after.welcome).toMatchObject({ username: name, verified: true });
    expect((await before.closed).code).toBe(4012);
    await witness.sync();
    const notices = framesOf(witness, "system").filter((f) => f.payload.username === name);
    expect(notices.map((f) => f.payload.event)).toEqual(["join"]);
    // The witness's people list gets the mark without a leave or a join.
    expect(framesOf(witness, "userUpdated").map((f) => f.payload)).toEqual([{ username: name, verified: true }]);
    expect(framesOf(after.client, "userCount").at(-1)?.payload.count).toBe(2);
  });

  it("keeps a signed-in person's name: /nick is refused", async () => {
    const { browser, name } = await claimed("keeper");
    const { client } = await join(freshRoom(), {}, browser.headers());
    client.send({ type: "nick", payload: { username: "someoneelse" } });
    const error = await client.waitFor("error");
    expect(error.payload.code).toBe("not_allowed");
    expect(error.payload.message).toContain(name);
  });

  it("holds a ban of a signed-in person on every device", async () => {
    const room = freshRoom();
    const operator = (await join(room, { username: freshName("op") })).client;
    const { browser: laptop, name } = await claimed("banned");
    const present = await join(room, { session: "laptop-ban" }, laptop.headers());
    operator.send(`/ban ${name}`);
    await present.client.closed;
    const phone = new Browser(laptop.authenticator);
    expect((await phone.signIn()).status).toBe(200);
    const again = await connect(room, { session: "phone-ban" }, phone.headers());
    expect((await again.waitFor("error")).payload.code).toBe("banned");
    expect((await again.closed).code).toBe(4008);
  });

  it("ignores an account header a client sends itself", async () => {
    const room = freshRoom();
    const forged = await join(
      room,
      { username: freshName("forger") },
      {
        "x-hallway-account": JSON.stringify({ id: "0".repeat(20), name: "root" }),
      },
    );
    expect(forged.welcome.verified).toBeUndefined();
    expect(forged.welcome.username).not.toBe("root");
  });

  it("signing out everywhere closes the account's sockets in every room at once (close 4401), and it leaves", async () => {
    const { browser: laptop, name } = await claimed("revoke");
    const phone = new Browser(laptop.authenticator);
    await phone.signIn();
    const [roomA, roomB] = [freshRoom(), freshRoom()];
    const witness = (await join(roomA, { username: freshName("witness") })).client;
    const onLaptop = (await join(roomA, { session: "laptop-revoke" }, laptop.headers())).client;
    const onPhone = (await join(roomB, { session: "phone-revoke" }, phone.headers())).client;
    const started = Date.now();
    expect((await laptop.fetch("/api/auth/signout-everywhere", { body: {} })).status).toBe(204);
    expect((await onLaptop.waitFor("error")).payload.code).toBe("signed_out");
    expect((await onLaptop.closed).code).toBe(4401);
    expect((await onPhone.closed).code).toBe(4401);
    expect(Date.now() - started).toBeLessThan(60_000);
    await witness.waitFor("system", (f) => f.payload.event === "leave" && f.payload.username === name);
    const back = await connect(roomA, { username: name, session: "phone-revoke" }, phone.headers());
    expect((await back.waitFor("error")).payload.code).toBe("name_claimed");
  });

  it("deleting an account takes its mark off what it said, keeping the text and the name, and frees the name", async () => {
    const { browser, name } = await claimed("deleted");
    const room = freshRoom();
    const { client } = await join(room, { session: "deleted-device" }, browser.headers());
    client.send({ type: "chatMessage", payload: { message: "remember me" } });
    await client.waitFor("chatMessage");
    expect((await browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    expect((await client.closed).code).toBe(4401);
    const { client: reader } = await join(room, { username: freshName("reader") });
    const history = framesOf(reader, "history")[0]?.payload.messages ?? [];
    const said = history.find((f) => f.type === "chatMessage");
    expect(said?.payload).toMatchObject({ username: name, message: "remember me" });
    expect(said?.payload).not.toHaveProperty("verified");
    expect(history.filter((f) => f.type === "system" && f.payload.verified)).toEqual([]);
    // The name is free: anyone may use it again.
    const again = await join(room, { username: name, session: "new-owner" });
    expect(again.welcome.username).toBe(name);
  });
});

describe("claimed names elsewhere", () => {
  it("refuses an anonymous /nick to a claimed name, or a look-alike of one", async () => {
    const owner = new Browser();
    const name = freshName("nickee");
    await owner.claim(name);
    const { client } = await join(freshRoom(), { username: freshName("renamer") });
    for (const asked of [name, name.toUpperCase()]) {
      client.send(`/nick ${asked}`);
      const error = await client.waitFor("error");
      expect(error.payload.code).toBe("name_claimed");
    }
    client.send({ type: "nick", payload: { username: "freenameforme" } });
    expect((await client.waitFor("renamed")).payload.username).toBe("freenameforme");
  });

  it("refuses a claimed name asked for in a spelling that only normalization shortens", async () => {
    const owner = new Browser();
    // Eleven Hangul syllables: 11 characters as claimed, 33 when decomposed into jamo.
    // The last syllable always has a final consonant (index % 28 = 1), so it too decomposes into three jamo.
    const name = `\uD55C${"\uAE00".repeat(9)}${String.fromCharCode(0xac01 + 28 * (Date.now() % 399))}`;
    expect((await owner.claim(name)).status).toBe(200);
    const decomposed = name.normalize("NFD");
    expect(decomposed.length).toBeGreaterThan(32);
    const impostor = await connect(freshRoom(), { username: decomposed });
    expect((await impostor.waitFor("error")).payload.code).toBe("name_claimed");
  });

  it("refuses a claimed name at the matchmaker, but lets its account use it", async () => {
    const owner = new Browser();
    const name = freshName("stranger");
    await owner.claim(name);
    const impostor = await connectPath("/match", { username: name });
    expect((await impostor.waitFor("error")).payload.code).toBe("name_claimed");
    expect((await impostor.closed).code).toBe(4009);
    const own = await connectPath("/match", { username: name }, owner.headers());
    own.send({ type: "ping", payload: {} });
    expect(await own.next()).not.toMatchObject({ type: "error", payload: { code: "name_claimed" } });
    own.close();
  });
});

describe("bans of anonymous people", () => {
  it("hold the session and the client address for the ban's length, and say how long", async () => {
    const room = freshRoom();
    const operator = (await join(room, { username: freshName("op") })).client;
    const address = { "CF-Connecting-IP": "198.51.100.23" };
    const name = freshName("troll");
    const troll = await join(room, { username: name, session: "troll-session" }, address);
    operator.send(`/ban ${name} 30`);
    const told = await troll.client.waitFor("error");
    expect(told.payload.message).toMatch(/30 minutes/);
    await troll.client.closed;
    // A fresh browser profile from the same address, under a new name: still out.
    const again = await connect(room, { username: freshName("fresh"), session: "fresh-profile" }, address);
    const refused = await again.waitFor("error");
    expect(refused.payload.code).toBe("banned");
    expect(refused.payload.message).toMatch(/minutes/);
    // Someone else, elsewhere: in.
    const other = await join(room, { username: freshName("other") }, { "CF-Connecting-IP": "198.51.100.99" });
    expect(other.welcome.username).toBeTruthy();
  });
});
