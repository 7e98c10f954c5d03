import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join, type TestClient } from "./client";

// Presence that tells the truth after the room wakes: the roster is rebuilt
// from SQLite and the sockets' attachments. RECONNECT_GRACE_SECONDS is 2 here.

const GRACE_MS = 2000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const events = (client: TestClient) =>
  framesOf(client, "system").map((f) => `${f.payload.event}:${f.payload.username}`);

describe("presence after the room wakes", () => {
  it("rebuilds a member with two tabs as one: a tab closed while asleep changes nothing, the other still gets its frames", async () => {
    const room = freshRoom();
    const session = `alice-${crypto.randomUUID().slice(0, 12)}`;
    const { client: tab1 } = await join(room, { username: "alice", session });
    const { client: tab2 } = await join(room, { username: "alice", session });
    const { client: bob } = await join(room, { username: "bob" });
    const stub = env.CHAT_ROOM.getByName(room);
    await evictDurableObject(stub);
    tab1.close(4999);
    await tab1.closed;
    await pause(GRACE_MS + 200);
    await runDurableObjectAlarm(stub);

    bob.send({ type: "dm", payload: { to: "alice", message: "still there?", clientId: "d-1" } });
    expect((await tab2.waitFor("dm")).payload.message).toBe("still there?");
    bob.send("/users");
    const users = (await bob.waitFor("users")).payload.users;
    expect(users.map((u) => [u.username, u.operator, u.away ?? false])).toEqual([
      ["alice", true, false],
      ["bob", false, false],
    ]);
    // The remaining tab still runs the room.
    tab2.send("/kick bob");
    expect((await bob.closed).code).toBe(4003);
    expect(events(bob)).toEqual(["join:bob", "kick:bob"]);
    tab2.close();
  });

  it("a reload while the room sleeps is invisible: no leave, join or hand-over, the role kept", async () => {
    const room = freshRoom();
    const session = `alice-${crypto.randomUUID().slice(0, 12)}`;
    const { client: alice } = await join(room, { username: "alice", session });
    const { client: bob } = await join(room, { username: "bob" });
    const stub = env.CHAT_ROOM.getByName(room);
    await evictDurableObject(stub);
    alice.close(4999);
    const { client: again, welcome } = await join(room, { username: "alice", session });
    expect(welcome.operator).toBe(true);
    await pause(GRACE_MS + 200);
    await runDurableObjectAlarm(stub);
    await bob.sync();
    expect(events(bob)).toEqual(["join:bob"]);
    expect(framesOf(bob, "userCount").map((f) => f.payload.count)).toEqual([2]);
    again.close();
    bob.close();
  });
});

describe("the join rate limit and people coming back", () => {
  const upgrade = (room: string, address: string, params: Record<string, string>) =>
    exports.default.fetch(`http://hallway.test/chat/${room}?${new URLSearchParams(params)}`, {
      headers: { Upgrade: "websocket", "CF-Connecting-IP": address },
    });

  // Members coming back within their grace are not counted against
  // JOIN_RATE_PER_MINUTE: many people behind one address (an office, carrier
  // NAT) must all get back after a restart, without leave and join notices.
  it("lets members back within their grace whatever the address's join count", async () => {
    const room = freshRoom();
    const address = "203.0.113.50";
    const people = Array.from({ length: 16 }, (_, i) => ({
      username: `p${i}`,
      session: `p${i}-${crypto.randomUUID().slice(0, 12)}`,
    }));
    const sockets: WebSocket[] = [];
    for (const p of people) {
      const res = await upgrade(room, address, p);
      expect(res.status).toBe(101);
      res.webSocket?.accept();
      if (res.webSocket) sockets.push(res.webSocket);
    }
    // Every connection drops at once, as in a restart or a network change.
    for (const ws of sockets) ws.close(4999, "gone");
    await pause(100);
    const statuses: number[] = [];
    for (const p of people) {
      const res = await upgrade(room, address, p);
      statuses.push(res.status);
      res.webSocket?.accept();
      res.webSocket?.close(1000);
    }
    expect(statuses.filter((s) => s !== 101)).toEqual([]);
  });
});
