import { describe, expect, it } from "vitest";
import { connect, framesOf, freshRoom, join } from "./client";

describe("joining a room", () => {
  it("sends welcome, then history, then the join notice, then the user count", async () => {
    const room = freshRoom();
    const alice = await connect(room, { username: "alice", session: "alice-session-1" });
    const frames = [await alice.next(), await alice.next(), await alice.next(), await alice.next()];
    expect(frames.map((f) => (typeof f === "string" ? f : f.type))).toEqual([
      "welcome",
      "history",
      "system",
      "userCount",
    ]);
    expect(frames[0]).toEqual({
      type: "welcome",
      payload: {
        username: "alice",
        session: "alice-session-1",
        room,
        operator: true,
        limits: { maxMessageLength: 2000, maxHistory: 100, rateLimit: { burst: 100000, perSecond: 100000 } },
        epoch: expect.stringMatching(/^[0-9a-f]{16}$/),
        // Public, and never the session itself.
        authorId: expect.stringMatching(/^s[0-9a-f]{20}$/),
      },
    });
    expect(frames[1]).toEqual({ type: "history", payload: { messages: [], truncated: false } });
    expect(frames[2]).toMatchObject({ type: "system", payload: { event: "join", username: "alice" } });
    expect(frames[3]).toEqual({ type: "userCount", payload: { count: 1 } });
    alice.close();
  });

  it("tells everyone already in the room about the joiner", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob, welcome } = await join(room, { username: "bob" });
    expect(welcome.operator).toBe(false);
    const notice = await alice.waitFor("system", (f) => f.payload.event === "join" && f.payload.username === "bob");
    expect(notice.payload.text).toBe("bob joined");
    expect(await alice.waitFor("userCount")).toEqual({ type: "userCount", payload: { count: 2 } });
    alice.close();
    bob.close();
  });

  it("trims the requested name and invents a session when none is given", async () => {
    const { client, welcome } = await join(freshRoom(), { username: "  carol  " });
    expect(welcome.username).toBe("carol");
    expect(welcome.session).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    client.close();
  });

  it("names a blank or missing name Anon_HHmmss, with a suffix when taken", async () => {
    const room = freshRoom();
    const { client: a, welcome: first } = await join(room);
    const { client: b, welcome: second } = await join(room, { username: "   " });
    expect(first.username).toMatch(/^Anon_\d{6}$/);
    // The two joined within the same second or the next one; either way the names differ.
    expect(second.username).toMatch(/^Anon_\d{6}(-2)?$/);
    expect(second.username).not.toBe(first.username);
    a.close();
    b.close();
  });

  it.each([
    ["too long", "x".repeat(33)],
    ["a control character", "bad\u0007name"],
    ["a space inside", "two words"],
    ["a bidirectional override", "evil\u202Eeman"],
  ])("refuses a name with %s: error bad_username, close 4400", async (_, username) => {
    const client = await connect(freshRoom(), { username });
    const error = await client.waitFor("error");
    expect(error.payload.code).toBe("bad_username");
    expect((await client.closed).code).toBe(4400);
  });

  it("refuses a malformed session: error bad_session, close 4400", async () => {
    const client = await connect(freshRoom(), { username: "dave", session: "short" });
    expect((await client.waitFor("error")).payload.code).toBe("bad_session");
    expect((await client.closed).code).toBe(4400);
  });

  it("keeps names unique regardless of case: username_taken, close 4009", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "Alice", session: "session-alice" });
    const impostor = await connect(room, { username: "ALICE", session: "session-other" });
    expect((await impostor.waitFor("error")).payload.code).toBe("username_taken");
    expect((await impostor.closed).code).toBe(4009);
    // The refused connection never counted as a member.
    alice.send({ type: "users", payload: {} });
    expect((await alice.waitFor("users")).payload.users.map((u) => u.username)).toEqual(["Alice"]);
    alice.close();
  });

  it("joins a second tab of the same session as the same member: both stay open, no notice, one count", async () => {
    const room = freshRoom();
    const { client: bob } = await join(room, { username: "bob" });
    const { client: first } = await join(room, { username: "alice", session: "session-alice" });
    const { client: second, welcome } = await join(room, { username: "alice", session: "session-alice" });
    expect(welcome.username).toBe("alice");
    expect(welcome.operator).toBe(false);
    expect(framesOf(second, "userCount").at(-1)?.payload.count).toBe(2);

    // Every frame for alice reaches both tabs; the room saw her join once.
    second.send("from the second tab");
    expect((await first.waitFor("chatMessage")).payload.message).toBe("from the second tab");
    expect((await bob.waitFor("chatMessage")).payload).toMatchObject({ username: "alice" });
    bob.send("/msg alice psst");
    await first.waitFor("dm");
    await second.waitFor("dm");
    await bob.sync();
    const events = framesOf(bob, "system").map((f) => `${f.payload.event}:${f.payload.username}`);
    expect(events).toEqual(["join:bob", "join:alice"]);
    expect(framesOf(bob, "userCount").at(-1)?.payload.count).toBe(2);

    // Closing one tab is invisible; alice is still here in the other.
    first.close();
    await first.closed;
    second.send("still here");
    expect((await bob.waitFor("chatMessage")).payload.message).toBe("still here");
    bob.send("/users");
    expect((await bob.waitFor("users")).payload.users).toEqual([
      expect.objectContaining({ username: "bob" }),
      { username: "alice", operator: false, since: expect.any(Number) },
    ]);
    bob.close();
    second.close();
  });
});
