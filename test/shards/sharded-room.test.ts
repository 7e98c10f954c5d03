import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_WAITING_FRAMES } from "../../src/room/durable/room-shard";
import { shardName } from "../../src/room/shards/traffic";
import { framesOf, freshRoom, join, type TestClient } from "../worker/client";

/**
 * Rooms spread over fan-out shards, inside workerd: this project sets
 * `SHARD_THRESHOLD` to 2 and `MAX_SHARDS` to 4, so a room of a handful of
 * people has its sockets on several objects.
 */

const chat = (message: string, clientId: string) => ({ type: "chatMessage", payload: { message, clientId } });

interface Info {
  shards: number;
  userCount: number;
}

async function infoOf(room: string): Promise<Info> {
  const res = await exports.default.fetch(`http://hallway.test/api/rooms/${room}`);
  return res.json();
}

/** A person in the room: their tab, their session, and the shard the room placed them on (0: the sequencer itself). */
interface Placed {
  name: string;
  session: string;
  client: TestClient;
  shard: number;
}

/** Where the sequencer says each session's sockets are: the shard of its `remote_sockets` row, or 0 for its own. */
async function placements(room: string): Promise<Map<string, number>> {
  return runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) => {
    const placed = new Map<string, number>();
    const exists = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'remote_sockets'").toArray();
    if (exists.length === 0) return placed;
    for (const row of state.storage.sql.exec<{ shard: number; attachment: string }>(
      "SELECT shard, attachment FROM remote_sockets",
    )) {
      const { session } = JSON.parse(row.attachment) as { session: string };
      placed.set(session, row.shard);
    }
    return placed;
  });
}

/**
 * People joined one by one, each where the room placed them: the room's
 * placement is salted with a secret of its own, so a test reads it back
 * rather than predicting it. The first two (the threshold) are on the
 * sequencer itself, the rest on fan-out shards.
 */
async function crowd(room: string, count: number): Promise<Placed[]> {
  const people: Placed[] = [];
  for (let i = 0; i < count; i++) {
    const session = `who-session-${i}`;
    const { client } = await join(room, { username: `p${i}`, session });
    people.push({ name: `p${i}`, session, client, shard: 0 });
  }
  const placed = await placements(room);
  for (const person of people) person.shard = placed.get(person.session) ?? 0;
  return people;
}

/** Sockets each shard object holds now (shard 0 is the sequencer's own). */
async function socketsOn(room: string, shard: number): Promise<number> {
  const stub = shard === 0 ? env.CHAT_ROOM.getByName(room) : env.ROOM_SHARD.getByName(shardName(room, shard));
  return runInDurableObject(stub, async (_, state) => state.getWebSockets().length);
}

/** Chat message texts a client has seen, live and replayed, in order. */
function seen(client: TestClient): string[] {
  const texts: string[] = [];
  for (const frame of client.received) {
    if (typeof frame !== "object") continue;
    if (frame.type === "chatMessage") texts.push(frame.payload.message);
    if (frame.type === "history") {
      for (const m of frame.payload.messages) if (m.type === "chatMessage") texts.push(m.payload.message);
    }
  }
  return texts;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function closeAll(people: readonly Placed[]): void {
  for (const person of people) person.client.close();
}

describe("a room spread over fan-out shards", () => {
  it("grows to several shards as people come, and everyone sees every message once, in one order", async () => {
    const room = freshRoom();
    expect((await infoOf(room)).shards).toBe(1);
    const people = await crowd(room, 7);
    expect(await infoOf(room)).toMatchObject({ shards: 4, userCount: 7 });
    // The sockets really are on several objects, each where the room's placement put it.
    for (let shard = 0; shard < 4; shard++) {
      expect(await socketsOn(room, shard)).toBe(people.filter((p) => p.shard === shard).length);
    }
    expect(people.slice(0, 2).map((p) => p.shard)).toEqual([0, 0]);
    expect(people.slice(2).every((p) => p.shard > 0)).toBe(true);
    for (const [i, { client }] of people.entries()) client.send(chat(`hello from p${i}`, `c${i}`));
    for (const { client } of people) await client.waitFor("ack");
    for (const { client } of people) await until(() => seen(client).length >= 7, "every message");
    const order = seen(people[0]?.client as TestClient);
    expect(new Set(order).size).toBe(7);
    for (const { client } of people) {
      await client.sync();
      expect(seen(client)).toEqual(order);
    }
    closeAll(people);
  });

  it("gives a DM only to the person it names, on whichever shard holds them", async () => {
    const room = freshRoom();
    const people = await crowd(room, 7);
    const [from, to] = pickApart(people);
    const others = people.filter((p) => p !== from && p !== to);
    from.client.send({ type: "dm", payload: { to: to.name, message: "across the shards" } });
    expect((await to.client.waitFor("dm")).payload).toMatchObject({ from: from.name, message: "across the shards" });
    expect((await from.client.waitFor("dm")).payload.to).toBe(to.name);
    for (const other of others) {
      await other.client.sync();
      expect(JSON.stringify(other.client.received)).not.toContain("across the shards");
    }
    closeAll(people);
  });

  it("closes a kicked person's socket on their shard, and tells everyone on every shard", async () => {
    const room = freshRoom();
    const people = await crowd(room, 7);
    const [operator] = people;
    const kicked = people.find((p) => p.shard !== 0);
    if (!operator || !kicked) throw new Error("nobody was placed on a shard");
    operator.client.send({ type: "kick", payload: { username: kicked.name } });
    expect((await kicked.client.closed).code).toBe(4003);
    for (const person of people.filter((p) => p !== kicked)) {
      await person.client.waitFor("system", (f) => f.payload.event === "kick" && f.payload.username === kicked.name);
      await person.client.waitFor("userCount", (f) => f.payload.count === 6);
    }
    await until(
      async () => (await socketsOn(room, kicked.shard)) === people.filter((p) => p.shard === kicked.shard).length - 1,
      "the kicked socket to go",
    );
    expect((await infoOf(room)).userCount).toBe(6);
    closeAll(people);
  });

  it("puts all of one person's tabs on one shard, as one member", async () => {
    const room = freshRoom();
    const people = await crowd(room, 6);
    const person = people.find((p) => p.shard !== 0);
    if (!person) throw new Error("nobody was placed on a shard");
    const before = await socketsOn(room, person.shard);
    const { client: tab } = await join(room, { username: person.name, session: person.session });
    expect(await socketsOn(room, person.shard)).toBe(before + 1);
    expect((await infoOf(room)).userCount).toBe(6);
    people[0]?.client.send(chat("to both tabs", "both"));
    await person.client.waitFor("chatMessage", (f) => f.payload.message === "to both tabs");
    await tab.waitFor("chatMessage", (f) => f.payload.message === "to both tabs");
    tab.close();
    closeAll(people);
  });

  it("loses and doubles nothing when a shard is evicted mid-flush", async () => {
    const room = freshRoom();
    const people = await crowd(room, 7);
    const victim = people.find((p) => p.shard !== 0)?.shard ?? 1;
    const sender = people.find((p) => p.shard !== victim) as Placed;
    // A burst in flight to every shard, and one shard evicted while it goes out (its sockets stay open,
    // as across hibernation; what it had in memory is gone).
    for (let i = 0; i < 20; i++) sender.client.send(chat(`burst ${i}`, `b${i}`));
    await evictDurableObject(env.ROOM_SHARD.getByName(shardName(room, victim)));
    for (let i = 20; i < 30; i++) sender.client.send(chat(`burst ${i}`, `b${i}`));
    await until(() => framesOf(sender.client, "ack").length >= 30, "every ack");
    const expected = Array.from({ length: 30 }, (_, i) => `burst ${i}`);
    for (const { client } of people) {
      await until(() => seen(client).length >= 30, "the whole burst");
      await client.sync();
      expect(seen(client)).toEqual(expected);
      expect(framesOf(client, "welcome")).toHaveLength(1);
    }
    closeAll(people);
  });

  it("goes on without its shards' people noticing when the sequencer is evicted", async () => {
    const room = freshRoom();
    const people = await crowd(room, 7);
    const remote = people.filter((p) => p.shard !== 0);
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const [speaker, ...listeners] = remote;
    if (!speaker) throw new Error("nobody was placed on a shard");
    speaker.client.send(chat("after the sequencer slept", "after"));
    expect((await speaker.client.waitFor("ack")).payload.clientId).toBe("after");
    for (const person of listeners) {
      await person.client.waitFor("chatMessage", (f) => f.payload.message === "after the sequencer slept");
    }
    // Nobody on a shard was asked to reconnect.
    for (const person of remote)
      expect(person.client.received.filter((f) => typeof f === "object" && f.type === "welcome")).toHaveLength(1);
    closeAll(people);
  });

  it("lets people whose shard lost their sockets unseen leave after their grace, so the count is exact", async () => {
    const room = freshRoom();
    const people = await crowd(room, 7);
    const victim = people.find((p) => p.shard !== 0)?.shard ?? 1;
    const struck = people.filter((p) => p.shard === victim).length;
    // The shard forgets its sockets without a word to the sequencer, as a crash would.
    const shard = env.ROOM_SHARD.getByName(shardName(room, victim));
    await runInDurableObject(shard, async (_, state) => {
      for (const ws of state.getWebSockets()) ws.serializeAttachment({ ...ws.deserializeAttachment(), left: true });
    });
    await evictDurableObject(shard);
    expect((await infoOf(room)).userCount).toBe(7);
    // At its alarm the sequencer asks each shard for its sockets' heartbeats: those missing are away, then gone.
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    await until(async () => (await infoOf(room)).userCount === 7 - struck, "the struck people to leave");
    const stayed = people.find((p) => p.shard !== victim) as Placed;
    await stayed.client.waitFor("userCount", (f) => f.payload.count === 7 - struck);
    closeAll(people);
  });
});

describe("a socket on a fan-out shard, at the door and with bad input", () => {
  it("gets the answers any socket gets: bad JSON, binary and oversized frames refused, the last with its clientId", async () => {
    const room = freshRoom();
    const people = await crowd(room, 4);
    const held = people.find((p) => p.shard !== 0);
    if (!held) throw new Error("nobody was placed on a shard");
    const { client } = held;
    client.send("{oops");
    expect((await client.waitFor("error")).payload.code).toBe("bad_json");
    client.ws.send(new Uint8Array(20_000).buffer);
    expect((await client.waitFor("error")).payload.code).toBe("binary_unsupported");
    client.send(JSON.stringify(chat("x".repeat(40_000), "too-big")));
    expect((await client.waitFor("error")).payload).toMatchObject({ code: "too_large", clientId: "too-big" });
    // Still here, and heard.
    client.send(chat("after the bad frames", "fine"));
    expect((await client.waitFor("ack")).payload.clientId).toBe("fine");
    closeAll(people);
  });

  it("lands where the room places it whatever shard header a client sends", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "first", session: "first-session" }, { "Hallway-Shard": "3" });
    expect(await infoOf(room)).toMatchObject({ shards: 1, userCount: 1 });
    expect(await socketsOn(room, 0)).toBe(1);
    client.close();
  });
});

describe("what a fan-out shard holds for a slow sequencer", () => {
  it("closes a socket that floods its shard faster than the room takes frames, telling it why, and nobody else", async () => {
    const room = freshRoom();
    const people = await crowd(room, 7);
    const flooder = people.find((p) => p.shard !== 0);
    if (!flooder) throw new Error("nobody was placed on a shard");
    // The sequencer busy for a moment (a slow storage write, say): the shard's call waits, and frames pile up.
    const busy = runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) =>
      state.blockConcurrencyWhile(() => new Promise((resolve) => setTimeout(resolve, 1500))),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    flooder.client.send(chat("first", "first"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < MAX_WAITING_FRAMES * 2; i++) flooder.client.send(chat(`flood ${i}`, `f${i}`));
    expect((await flooder.client.closed).code).toBe(4429);
    await busy;
    expect(framesOf(flooder.client, "error").map((f) => f.payload.code)).toContain("rate_limited");
    const other = people.find((p) => p !== flooder) as Placed;
    other.client.send(chat("still here", "still"));
    expect((await other.client.waitFor("ack")).payload.clientId).toBe("still");
    closeAll(people);
  });
});

/** Two people on different shards, at least one of them off the sequencer. */
function pickApart(people: readonly Placed[]): [Placed, Placed] {
  for (const a of people) {
    for (const b of people) if (a.shard !== b.shard && b.shard !== 0) return [a, b];
  }
  throw new Error("everyone is on one shard");
}
