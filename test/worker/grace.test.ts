import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connect, framesOf, freshRoom, join } from "./client";

/** RECONNECT_GRACE_SECONDS in this project (vitest.config.ts). */
const GRACE_MS = 2000;

const systemEvents = (client: Awaited<ReturnType<typeof join>>["client"]) =>
  framesOf(client, "system").map((f) => `${f.payload.event}:${f.payload.username}`);

describe("presence across hibernation and reconnects", () => {
  it("a socket closed while the room sleeps still leaves: notice and count after the grace", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const closedAt = Date.now();
    bob.close();
    const leave = await alice.waitFor("system", (f) => f.payload.event === "leave", 5000);
    expect(leave.payload.username).toBe("bob");
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect((await alice.waitFor("userCount")).payload.count).toBe(1);
    alice.close();
  });

  it("the operator leaving while the room sleeps hands the room over", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    alice.close();
    const promoted = await bob.waitFor("system", (f) => f.payload.event === "operator", 5000);
    expect(promoted.payload.username).toBe("bob");
    bob.send("/kick nobody");
    expect((await bob.waitFor("error")).payload.code).toBe("no_such_user");
    bob.close();
  });

  it("coming back within the grace is invisible: no leave, no join, same role; away meanwhile", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice", session: "session-alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.close();
    await alice.closed;
    bob.send("/users");
    const during = await bob.waitFor("users");
    expect(during.payload.users).toEqual([
      { username: "alice", operator: true, since: expect.any(Number), away: true },
      { username: "bob", operator: false, since: expect.any(Number) },
    ]);
    // The name is held for the session.
    const thief = await connect(room, { username: "alice", session: "session-thief" });
    expect((await thief.waitFor("error")).payload.code).toBe("username_taken");

    const { client: back, welcome } = await join(room, { username: "alice", session: "session-alice" });
    expect(welcome.operator).toBe(true);
    // Past the grace, the alarm finds nobody to remove.
    await new Promise((r) => setTimeout(r, GRACE_MS + 200));
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    await bob.sync();
    expect(systemEvents(bob)).toEqual(["join:bob"]);
    expect(framesOf(bob, "userCount").map((f) => f.payload.count)).toEqual([2]);
    bob.send("/users");
    expect((await bob.waitFor("users")).payload.users.map((u) => u.away ?? false)).toEqual([false, false]);
    back.close();
    bob.close();
  });

  it("a member with several tabs leaves only after the last one is gone, and the grace", async () => {
    const room = freshRoom();
    const { client: bob } = await join(room, { username: "bob" });
    const { client: tab1 } = await join(room, { username: "alice", session: "session-alice" });
    const { client: tab2 } = await join(room, { username: "alice", session: "session-alice" });
    tab1.close();
    await tab1.closed;
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    await bob.sync();
    expect(systemEvents(bob)).toEqual(["join:bob", "join:alice"]);
    tab2.close();
    await bob.waitFor("system", (f) => f.payload.event === "leave" && f.payload.username === "alice", 5000);
    bob.close();
  });

  it("a fresh join replays the person's own DMs among the room's history, in id order", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice", session: "session-alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("one");
    alice.send("/msg bob two");
    alice.send("three");
    await bob.waitFor("chatMessage", (f) => f.payload.message === "three");
    const replay = async (session: string, username: string) => {
      const { client } = await join(room, { username, session });
      const frames = framesOf(client, "history")[0]?.payload.messages ?? [];
      client.close();
      return frames.flatMap((f) =>
        f.type === "system" ? [] : [f.type === "dm" ? `dm:${f.payload.message}` : f.payload.message],
      );
    };
    expect(await replay("session-alice", "alice")).toEqual(["one", "dm:two", "three"]);
    alice.close();
    bob.close();
  });
});
