import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readAttachment } from "../../src/room/durable/attachment";
import { connect, freshRoom, join } from "./client";

const IDLE_MS = 60_000;

/**
 * Makes every connection in the room look as if it last spoke `ms` ago, then
 * lets the object hibernate, so it wakes with only what the attachments hold.
 */
async function age(room: string, ms: number) {
  const stub = env.CHAT_ROOM.getByName(room);
  await runInDurableObject(stub, (_, state) => {
    for (const ws of state.getWebSockets()) {
      const attachment = readAttachment(ws);
      if (attachment) {
        const counters = { ...attachment.counters, lastSeen: attachment.counters.lastSeen - ms };
        ws.serializeAttachment({ ...attachment, seen: attachment.seen - ms, counters });
      }
    }
  });
  await evictDurableObject(stub);
}

const alarmOf = (room: string) =>
  runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => state.storage.getAlarm());

describe("idle eviction", () => {
  it("schedules one alarm when someone joins, at the idle deadline", async () => {
    const room = freshRoom();
    const before = Date.now();
    const { client } = await join(room, { username: "alice" });
    const alarm = await alarmOf(room);
    expect(alarm).toBeGreaterThanOrEqual(before + IDLE_MS - 1000);
    expect(alarm).toBeLessThanOrEqual(Date.now() + IDLE_MS);
    client.close();
  });

  it("evicts a silent connection when the alarm runs: idle notice, close 4000, leave for the room", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await age(room, IDLE_MS + 1000);
    bob.send("/stats"); // bob is active again; alice stays silent
    await bob.waitFor("stats");

    expect(await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room))).toBe(true);
    const idle = await alice.waitFor("system", (f) => f.payload.event === "idle");
    expect(idle.payload).toMatchObject({ event: "idle", text: "disconnected due to inactivity" });
    expect((await alice.closed).code).toBe(4000);
    const left = await bob.waitFor("system", (f) => f.payload.event === "leave");
    expect(left.payload.username).toBe("alice");
    expect(await bob.waitFor("userCount")).toEqual({ type: "userCount", payload: { count: 1 } });
    // bob inherits the room, and the alarm is set again for bob's deadline.
    expect((await bob.waitFor("system", (f) => f.payload.event === "operator")).payload.username).toBe("bob");
    expect(await alarmOf(room)).toBeGreaterThan(Date.now() + IDLE_MS / 2);
    bob.close();
  });

  it("keeps a connection that only sends the ping heartbeat", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await age(room, IDLE_MS + 1000);
    alice.send("ping"); // answered by the runtime, not the room
    await alice.waitForText("pong");

    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    expect((await bob.closed).code).toBe(4000);
    alice.send("/users");
    expect((await alice.waitFor("users")).payload.users.map((u) => u.username)).toEqual(["alice"]);
    alice.close();
  });

  it("keeps its alarm across eviction from memory, and still evicts afterwards", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const alarm = await alarmOf(room);
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    expect(await alarmOf(room)).toBe(alarm);
    await age(room, IDLE_MS + 1000);
    expect(await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room))).toBe(true);
    expect((await alice.closed).code).toBe(4000);
  });

  it("leaves no alarm in an empty room", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("/quit");
    await alice.closed;
    expect(await alarmOf(room)).not.toBeNull();
    bob.send("/quit");
    await bob.closed;
    expect(await alarmOf(room)).toBeNull();
  });

  it("never counts or messages a socket that is already closing", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const quitter = await connect(room, { username: "quitter" });
    await quitter.waitFor("userCount");
    quitter.send("/quit");
    alice.send("/users");
    expect((await alice.waitFor("users")).payload.users.map((u) => u.username)).toEqual(["alice"]);
    alice.close();
  });
});
