import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { matchSecret } from "../../src/match/core/secret";
import { readSeeker, type Seeker, writeSeeker } from "../../src/match/core/seeker";
import { openTicket, signTicket } from "../../src/match/core/ticket";
import type { MatchServerFrame } from "../../src/protocol";
import { admitToPrivateRoom, EXPIRED_TICKET_HEADER, PRIVATE_HEADER } from "../../src/worker/private-rooms";
import { connect, connectPath, freshRoom, join, type TestClient } from "./client";

// The matchmaker's defences: heartbeat, silent waiters, rate limit, one place
// per person, coalesced places in line, and tickets that last as long as their
// room. This project lifts the rate limit and keeps IDLE_TIMEOUT_SECONDS at 60.

type MatchPayload<K extends MatchServerFrame["type"]> = Extract<MatchServerFrame, { type: K }>["payload"];

const seeker = (username: string, params: Record<string, string> = {}) =>
  connectPath("/match", { username, ...params });

/** Each test's people share an interest nobody else has, so tests never match each other's people. */
const topic = () => freshRoom("topic").toLowerCase().slice(0, 20);

/** Wants nobody has: such a person waits and is never matched. */
const NOBODY = ["nobody-has-this"];

function queue(client: TestClient, tags: string[], wants: string[] = tags) {
  client.send({ type: "joinQueue", payload: { tags, wants } });
}

async function next<K extends MatchServerFrame["type"]>(client: TestClient, type: K): Promise<MatchPayload<K>> {
  const frame = await client.waitFor(type as never);
  return (frame as unknown as { payload: MatchPayload<K> }).payload;
}

const queued = (client: TestClient) => next(client, "queueJoined");
const matchOf = (client: TestClient) => next(client, "matchFound");
const matchmaker = () => env.MATCHMAKER.getByName("global");

/** Rewrites the attachments of one session's matchmaker sockets, as if time had passed for them. */
async function rewrite(session: string, change: (seeker: Seeker, now: number) => Seeker) {
  await runInDurableObject(matchmaker(), (_, state) => {
    for (const ws of state.getWebSockets()) {
      const seeker = readSeeker(ws);
      if (seeker?.session === session) writeSeeker(ws, change(seeker, Date.now()));
    }
  });
}

/** Makes a session's sockets look as if their last frame came `ms` ago. */
const silence = (session: string, ms: number) => rewrite(session, (s) => ({ ...s, seen: s.seen - ms }));

const IDLE_MS = 60_000;

function framesOfType(client: TestClient, type: MatchServerFrame["type"]): unknown[] {
  return client.received.filter((f) => typeof f === "object" && (f as { type: string }).type === type);
}

/** Someone with their own session, in the queue for topic `t` (and wanting `wants`). */
async function waiting(username: string, t: string, wants: string[] = [t]) {
  const session = `${username}-${crypto.randomUUID().slice(0, 12)}`;
  const client = await seeker(username, { session });
  queue(client, [t], wants);
  const place = await queued(client);
  return { client, session, place };
}

/** Two people matched with each other, and what each was told. */
async function matchedPair() {
  const t = topic();
  const ann = await waiting("ann", t);
  const ben = await seeker("ben", { session: `ben-${crypto.randomUUID().slice(0, 12)}` });
  queue(ben, [t]);
  return {
    ann: ann.client,
    ben,
    forAnn: await matchOf(ann.client),
    forBen: await matchOf(ben),
    annSession: ann.session,
  };
}

const alarmOf = () => runInDurableObject(matchmaker(), (_, state) => state.storage.getAlarm());
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes clients and waits for their closes, so the next test starts with nobody of these waiting. */
async function closeAll(...clients: TestClient[]) {
  for (const c of clients) c.close();
  await Promise.all(clients.map((c) => c.closed));
}

describe("matchmaker heartbeat", () => {
  it("answers the ping line with pong, and a JSON ping with a pong frame", async () => {
    const ann = await seeker("ann");
    ann.send("ping");
    await ann.waitForText("pong");
    ann.send({ type: "ping" });
    expect(await ann.waitFor("pong")).toEqual({ type: "pong", payload: {} });
    await closeAll(ann);
  });
});

describe("matchmaker idle eviction", () => {
  it("sets its alarm for the idle deadline when someone starts waiting", async () => {
    const before = Date.now();
    const ann = await waiting("ann", topic());
    const alarm = await alarmOf();
    expect(alarm).toBeGreaterThan(before);
    expect(alarm).toBeLessThanOrEqual(Date.now() + IDLE_MS);
    await closeAll(ann.client);
  });

  it("evicts a silent waiter on the alarm with close 4000, so nobody is matched with it", async () => {
    const t = topic();
    const ann = await waiting("ann", t);
    await silence(ann.session, IDLE_MS + 1000);
    // Asleep in between: what the alarm reads is in the attachments.
    await evictDurableObject(matchmaker());
    expect(await runDurableObjectAlarm(matchmaker())).toBe(true);
    const closed = await ann.client.closed;
    expect(closed.code).toBe(4000);
    expect(closed.reason).toMatch(/^idle/);

    const ben = await waiting("ben", t);
    expect(ben.place).toEqual({ position: 1, waiting: 1 });
    await closeAll(ben.client);
  });

  it("keeps a waiter who sends only the ping heartbeat", async () => {
    const t = topic();
    const ann = await waiting("ann", t);
    await silence(ann.session, IDLE_MS + 1000);
    ann.client.send("ping"); // answered by the runtime, which notes when
    await ann.client.waitForText("pong");
    await runDurableObjectAlarm(matchmaker());

    const ben = await seeker("ben");
    queue(ben, [t]);
    expect((await matchOf(ben)).partner).toBe("ann");
    expect((await matchOf(ann.client)).partner).toBe("ben");
    await closeAll(ann.client, ben);
  });

  it("does not match anyone with a silent waiter even before the alarm runs", async () => {
    const t = topic();
    const ann = await waiting("ann", t);
    await silence(ann.session, IDLE_MS + 1000);
    const ben = await waiting("ben", t);
    expect(ben.place).toEqual({ position: 1, waiting: 1 });
    expect((await ann.client.closed).code).toBe(4000);
    expect(framesOfType(ann.client, "matchFound")).toEqual([]);
    await closeAll(ben.client);
  });

  it("sets the alarm again for whoever still waits, and not at all once nobody does", async () => {
    const t = topic();
    const ann = await waiting("ann", t, NOBODY);
    const ben = await waiting("ben", t, NOBODY);
    await silence(ann.session, IDLE_MS + 1000);
    await runDurableObjectAlarm(matchmaker());
    expect((await ann.client.closed).code).toBe(4000);
    expect(await alarmOf()).toBeGreaterThan(Date.now() + IDLE_MS / 2);

    ben.client.send({ type: "leaveQueue" });
    await next(ben.client, "queueLeft");
    await runDurableObjectAlarm(matchmaker());
    expect(await alarmOf()).toBeNull();
    // Not waiting, ben is not evicted: the alarm watches only the queue.
    ben.client.send({ type: "ping" });
    await ben.client.waitFor("pong");
    await closeAll(ben.client);
  });
});

describe("matchmaker rate limit", () => {
  // This project lifts the rate limit, so these tests empty a bucket by hand;
  // the bucket lives in the attachment, so it counts across hibernation too.
  const emptyBucket = (s: Seeker, now: number): Seeker => ({ ...s, bucket: { tokens: 0, at: now + 3_600_000 } });

  it("drops a frame over the limit with rate_limited and a retry time", async () => {
    const ann = await seeker("ann", { session: "ann-limited-1" });
    await rewrite("ann-limited-1", emptyBucket);
    await evictDurableObject(matchmaker());
    queue(ann, [topic()]);
    const error = await ann.waitFor("error");
    expect(error.payload.code).toBe("rate_limited");
    expect(error.payload.retryAfterMs).toBeGreaterThan(0);
    await closeAll(ann);
  });

  it("closes a connection that keeps flooding with 4429 and takes it out of the queue", async () => {
    const t = topic();
    const ann = await waiting("ann", t);
    await rewrite(ann.session, (s, now) => ({ ...emptyBucket(s, now), drops: Array(29).fill(now) }));
    ann.client.send({ type: "leaveQueue" });
    const error = await ann.client.waitFor("error");
    expect(error.payload).toMatchObject({ code: "rate_limited", message: "too many frames; disconnected" });
    expect((await ann.client.closed).code).toBe(4429);

    const ben = await waiting("ben", t);
    expect(ben.place).toEqual({ position: 1, waiting: 1 });
    await closeAll(ben.client);
  });
});

describe("matchmaker queue discipline", () => {
  it("refuses joinQueue from someone already waiting, and keeps one place for them", async () => {
    const t = topic();
    const ann = await waiting("ann", t, NOBODY);
    expect(ann.place).toEqual({ position: 1, waiting: 1 });
    queue(ann.client, [t]);
    expect((await ann.client.waitFor("error")).payload.code).toBe("already_queued");
    const ben = await waiting("ben", t, NOBODY);
    expect(ben.place).toEqual({ position: 2, waiting: 2 });
    await closeAll(ann.client, ben.client);
  });

  it("does not send n frames per toggle: a client toggling 50 times moves the others' places once", async () => {
    const t = topic();
    const first = await waiting("first", t);
    const toggler = await waiting("toggler", "elsewhere", NOBODY);
    const last = await waiting("last", t, NOBODY);
    expect([first.place, toggler.place, last.place].map((p) => p.position)).toEqual([1, 2, 3]);
    const seen = { first: first.client.received.length, last: last.client.received.length };

    for (let i = 0; i < 50; i++) {
      toggler.client.send({ type: "leaveQueue" });
      queue(toggler.client, ["elsewhere"], NOBODY);
    }
    await vi.waitFor(() => expect(framesOfType(toggler.client, "queueJoined")).toHaveLength(51));
    await pause(200); // past the coalescing interval, so any broadcast still due has been sent

    // Ahead of the toggler: never moved, never told. Behind it: moved up once, told once.
    expect(first.client.received.slice(seen.first)).toEqual([]);
    const told = last.client.received.slice(seen.last);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ type: "queueJoined", payload: { position: 2 } });
    await closeAll(first.client, toggler.client, last.client);
  });

  it("coalesces real moves: ten leaving at once ahead of someone move them ten places in a frame or two", async () => {
    const t = topic();
    const ahead: TestClient[] = [];
    for (let i = 0; i < 10; i++) ahead.push((await waiting(`ahead${i}`, t, NOBODY)).client);
    const last = await waiting("last", t, NOBODY);
    expect(last.place).toEqual({ position: 11, waiting: 11 });
    for (const c of ahead) c.send({ type: "leaveQueue" });
    const placeOf = (f: unknown) => (f as { payload: MatchPayload<"queueJoined"> }).payload.position;
    await vi.waitFor(() => expect(placeOf(framesOfType(last.client, "queueJoined").at(-1))).toBe(1));
    await pause(200);
    const updates = framesOfType(last.client, "queueJoined").slice(1);
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(updates.at(-1)).toEqual({ type: "queueJoined", payload: { position: 1, waiting: 1 } });
    await closeAll(...ahead, last.client);
  });

  it("remembers what each waiter was told across hibernation, so waking sends nothing new", async () => {
    const t = topic();
    const ann = await waiting("ann", t, NOBODY);
    const seen = ann.client.received.length;
    await evictDurableObject(matchmaker());
    const ben = await waiting("ben", t, NOBODY);
    expect(ben.place).toEqual({ position: 2, waiting: 2 });
    await pause(200);
    expect(ann.client.received.slice(seen)).toEqual([]);
    await closeAll(ann.client, ben.client);
  });
});

describe("tickets and their key", () => {
  it("are signed with the key the worker checks with", async () => {
    const { ann, ben, forAnn } = await matchedPair();
    const key = matchSecret(env.MATCH_SECRET, "http://hallway.test/chat/pv-x");
    expect(key).toBe(env.MATCH_SECRET);
    expect(await openTicket(key ?? "", forAnn.token)).toMatchObject({ room: forAnn.room, username: "ann" });
    await closeAll(ann, ben);
  });

  it("past their expiry are still forwarded to their room, marked expired", async () => {
    const room = `pv-${crypto.randomUUID().replaceAll("-", "")}`;
    const token = await signTicket(env.MATCH_SECRET ?? "", { room, username: "ann", session: "ann-s-1", exp: 1 });
    const request = new Request(`http://hallway.test/chat/${room}?token=${token}`, {
      headers: { Upgrade: "websocket" },
    });
    const admitted = await admitToPrivateRoom(request, room, env.MATCH_SECRET, Date.now());
    expect(admitted?.headers.get(PRIVATE_HEADER)).toBe("1");
    expect(admitted?.headers.get(EXPIRED_TICKET_HEADER)).toBe("1");
  });

  it("let someone whose connection dropped back in after expiry, while the room lasts", async () => {
    const { ann, ben, forAnn, forBen, annSession } = await matchedPair();
    const { client: annRoom } = await join(forAnn.room, { token: forAnn.token });
    const { client: benRoom } = await join(forBen.room, { token: forBen.token });
    annRoom.close(4999); // a dropped connection, not a quit
    await annRoom.closed;
    // Ann's own ticket, as it would be past its expiry.
    const ticket = { room: forAnn.room, username: "ann", session: annSession, exp: Date.now() - 1 };
    const expired = await signTicket(env.MATCH_SECRET ?? "", ticket);
    const { client: back, welcome } = await join(forAnn.room, { token: expired });
    expect(welcome.username).toBe("ann");
    await closeAll(ann, ben, back, benRoom);
  });

  it("forged or for another room are refused at the worker, expired or not", async () => {
    const room = `pv-${crypto.randomUUID().replaceAll("-", "")}`;
    const secret = env.MATCH_SECRET ?? "";
    const tokens = [];
    for (const exp of [Date.now() - 1, Date.now() + 60_000]) {
      const ticket = { room, username: "eve", session: "eve-session-1", exp };
      tokens.push(await signTicket(secret, { ...ticket, room: `${room.slice(0, -1)}x` }));
      tokens.push(await signTicket("not-the-key-the-worker-uses", ticket));
    }
    for (const token of tokens) {
      const client = await connect(room, { token });
      const error = await client.waitFor("error");
      expect(error.payload).toMatchObject({
        code: "forbidden",
        message: "this private room needs a valid ticket from the matchmaker",
      });
      expect((await client.closed).code).toBe(4403);
    }
  });
});
