import { afterEach, describe, expect, it } from "vitest";
import { FakeRoom, send } from "./fake-room";
import { run, until } from "./in-process";

/**
 * The terminal client signed in to an account, against a fake room: the
 * token on the upgrade, the account's name and its mark, and the refusals
 * that concern accounts.
 */

const TOKEN = `${"d".repeat(64)}.${"K".repeat(43)}`;
const signIn = { token: TOKEN, source: "hallway login" as const };

let room: FakeRoom | undefined;

afterEach(async () => {
  await room?.close();
  room = undefined;
});

describe("the terminal client, signed in", () => {
  it("sends the token as a bearer on the upgrade, and no header at all when anonymous", async () => {
    room = await FakeRoom.start(undefined, { verified: true, authorId: "a1" });
    const client = run(room.origin, { signIn });
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    client.stdin.end();
    expect(await client.exit).toBe(0);
    expect(room.upgrades[0]?.authorization).toBe(`Bearer ${TOKEN}`);

    const anonymous = run(room.origin);
    await until(() => anonymous.out().includes("joined #lobby"), "the anonymous welcome");
    anonymous.stdin.end();
    expect(await anonymous.exit).toBe(0);
    expect(room.upgrades[1]?.authorization).toBeUndefined();
    expect(client.out() + client.err()).not.toContain(TOKEN);
  });

  it("sends the bearer to the matchmaker too, whose door keeps a claimed name for its account", async () => {
    room = await FakeRoom.start(undefined, null);
    const client = run(room.origin, { signIn, match: true });
    await until(() => room?.upgrades.length === 1, "the matchmaker's upgrade");
    expect(room.upgrades[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("prints the mark beside signed-in names: messages, DMs, notices, the welcome and /users", async () => {
    room = await FakeRoom.start(undefined, { verified: true, authorId: "a1" });
    const connected = room.connection();
    const client = run(room.origin, { signIn });
    const socket = await connected;
    const ts = Date.now();
    send(socket, "system", { id: 1, text: "bob joined", ts, event: "join", username: "bob", verified: true });
    send(socket, "chatMessage", { id: 2, username: "bob", message: "hi", ts, authorId: "a2", verified: true });
    send(socket, "chatMessage", { id: 3, username: "carol", message: "yo", ts, authorId: "s3" });
    send(socket, "dm", { id: 4, from: "bob", to: "alice", message: "psst", ts, verified: true });
    send(socket, "users", {
      users: [
        { username: "alice", operator: true, since: ts, verified: true },
        { username: "carol", operator: false, since: ts },
      ],
    });
    await until(() => client.out().includes("here:"), "the people list");
    const out = client.out();
    expect(out).toMatch(/^\* joined #lobby as alice ✓ — \/help/m);
    expect(out).toMatch(/\* bob ✓ joined$/m);
    expect(out).toMatch(/<bob ✓> hi$/m);
    expect(out).toMatch(/<carol> yo$/m);
    expect(out).toMatch(/\[DM bob ✓ -> alice\] psst$/m);
    expect(out).toMatch(/^\* 2 here: alice ✓ \(operator\), carol$/m);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("says once that --username is not used when the account's name differs", async () => {
    room = await FakeRoom.start(undefined, { username: "alicia", verified: true, authorId: "a1" });
    const client = run(room.origin, { signIn, username: "alice" });
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    client.stdin.end();
    expect(await client.exit).toBe(0);
    expect(client.err().match(/signed in as alicia; --username alice is not used/g)).toHaveLength(1);
  });

  it("says when the room did not take the token, so the join went on without it", async () => {
    room = await FakeRoom.start(undefined, { username: "Anon_120000" });
    const client = run(room.origin, { signIn: { token: TOKEN, source: "HALLWAY_TOKEN" } });
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    client.stdin.end();
    expect(await client.exit).toBe(0);
    expect(client.err()).toMatch(/token from HALLWAY_TOKEN was not accepted/);
  });

  it("hints at hallway login when an anonymous join asks for a claimed name", async () => {
    room = await FakeRoom.start(undefined, null);
    const connected = room.connection();
    const client = run(room.origin);
    const socket = await connected;
    send(socket, "error", { code: "name_claimed", message: "the name alice belongs to an account" });
    socket.close(4009, "name_claimed");
    expect(await client.exit).toBe(1);
    expect(client.err()).toContain(
      "name_claimed: that name belongs to an account: run `hallway login` or pick another name",
    );
    expect(room.sockets).toHaveLength(1);
  });

  it("says the session ended and exits when the room closes with 4401", async () => {
    room = await FakeRoom.start(undefined, { verified: true, authorId: "a1" });
    const connected = room.connection();
    const client = run(room.origin, { signIn });
    const socket = await connected;
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    send(socket, "error", { code: "signed_out", message: "this account signed out everywhere" });
    socket.close(4401, "signed out");
    expect(await client.exit).toBe(1);
    expect(client.err()).toMatch(/signed out: this account's sessions were ended.*hallway login/);
    expect(client.out()).not.toMatch(/! signed_out/);
    expect(room.sockets).toHaveLength(1);
  });

  it("decides its own messages by author id: a same-named message by another person is not 'yours'", async () => {
    room = await FakeRoom.start(undefined, { verified: true, authorId: "a1" });
    const connected = room.connection();
    const client = run(room.origin, { signIn, ids: true });
    const socket = await connected;
    const ts = Date.now();
    // An earlier alice (another person, since gone) and this alice, both named alice.
    send(socket, "chatMessage", { id: 1, username: "alice", message: "old words", ts, authorId: "s-old" });
    send(socket, "chatMessage", { id: 2, username: "alice", message: "my words", ts, authorId: "a1", verified: true });
    send(socket, "messageUpdated", { id: 1, deleted: true });
    send(socket, "messageUpdated", { id: 2, deleted: true });
    await until(() => (client.out().match(/was deleted/g) ?? []).length === 2, "both deletions");
    expect(client.out()).toMatch(/\* alice's message #1 "old words" was deleted/);
    expect(client.out()).toMatch(/\* your message #2 "my words" was deleted/);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });
});
