import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "./client";

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
        limits: { maxMessageLength: 2000, maxHistory: 100 },
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

  it("lets the same session take its name over, closing the old socket with 4001", async () => {
    const room = freshRoom();
    const { client: bob } = await join(room, { username: "bob" });
    const { client: old } = await join(room, { username: "alice", session: "session-alice" });
    const { client: fresh, welcome } = await join(room, { username: "alice", session: "session-alice" });
    expect(welcome.username).toBe("alice");
    expect(welcome.operator).toBe(false);
    expect((await old.closed).code).toBe(4001);

    // The room did not see alice leave or join again, and counts her once.
    await bob.sync();
    const events = bob.received
      .filter((f) => typeof f === "object" && f.type === "system")
      .map((f) => (typeof f === "object" && f.type === "system" ? `${f.payload.event}:${f.payload.username}` : ""));
    expect(events).toEqual(["join:bob", "join:alice"]);
    expect(bob.received.filter((f) => typeof f === "object" && f.type === "userCount").at(-1)).toEqual({
      type: "userCount",
      payload: { count: 2 },
    });

    fresh.send("still here");
    expect((await bob.waitFor("chatMessage")).payload).toMatchObject({ username: "alice", message: "still here" });
    bob.close();
    fresh.close();
  });
});
