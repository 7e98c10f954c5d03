import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import * as link from "../../src/room/shards/link";
import { shardFor } from "../../src/room/shards/plan";
import { RoomSimulator } from "./simulator";

/**
 * A room over K fan-out shards, in Node: the room's own rules (the simulator)
 * as the sequencer, the numbered link to each shard, and people who join,
 * write, drop and come back with `since`, while deliveries and their answers
 * are lost, shards and the sequencer restart, and sends to the sequencer go
 * missing. Whatever
 * happens, each person sees every message from their arrival on exactly once,
 * in the room's order, and every ack names the message the room stored.
 */

interface Person {
  name: string;
  session: string | null;
  conn: string | null;
  /** How many of the sequencer's frames for `conn` were already put on the link. */
  cursor: number;
  /** Where this connection's stream on its shard's link begins. */
  start: link.StreamStart | null;
  /** Chat message ids seen, live or replayed, in the order they arrived. */
  seen: number[];
  /** The first id this person may expect: what the room held when they arrived is not owed to them. */
  from: number | null;
  /** Sends not yet acknowledged, by clientId, and what the acks said. */
  pending: Map<string, string>;
  acks: Map<string, number>;
}

interface Shard {
  outbox: link.Outbox;
  inbox: link.Inbox;
}

type Step =
  | { kind: "join"; who: number }
  | { kind: "say"; who: number; lost: boolean }
  | { kind: "resend"; who: number }
  | { kind: "drop"; who: number }
  | { kind: "deliver"; shard: number; answerLost: boolean }
  | { kind: "restart"; shard: number }
  | { kind: "sequencerRestart" };

const PEOPLE = 6;
const SHARDS = 4;

class ShardedRoom {
  readonly sim = new RoomSimulator({ rateLimitBurst: 1e9, rateLimitPerSecond: 1e9, reconnectGraceMs: 60_000 });
  #life = 1;
  readonly shards: Shard[] = Array.from({ length: SHARDS }, () => ({
    outbox: link.openOutbox("life-1"),
    inbox: link.FRESH_INBOX,
  }));
  readonly people: Person[] = Array.from({ length: PEOPLE }, (_, i) => ({
    name: `p${i}`,
    session: null,
    conn: null,
    cursor: 0,
    start: null,
    seen: [],
    from: null,
    pending: new Map(),
    acks: new Map(),
  }));
  #sends = 0;

  /** Where a person's sockets go: by a key of theirs that never changes (their session, in the room itself). */
  shardOf(person: Person): number {
    return shardFor(person.name, SHARDS);
  }

  join(person: Person): void {
    if (person.conn !== null) return;
    const since = person.seen.at(-1);
    const shard = this.shards[this.shardOf(person)];
    // Admitted now: its stream is what the link numbers from here on.
    person.start = shard ? link.streamStart(shard.outbox) : null;
    const { id } = this.sim.join(person.name, person.session, since, since === undefined ? undefined : "sim-epoch");
    person.conn = id;
    person.cursor = 0;
    person.session ??= this.sim.member(id)?.session ?? null;
    person.from ??= this.sim.lastId + 1;
    this.#route();
  }

  say(person: Person, lost: boolean): void {
    if (person.conn === null) return;
    const clientId = `c${++this.#sends}`;
    const text = `${person.name} ${clientId}`;
    person.pending.set(clientId, text);
    // Lost on its way to the sequencer: the client still holds it, unacked.
    if (!lost) this.#send(person, clientId, text);
  }

  resend(person: Person): void {
    if (person.conn === null) return;
    for (const [clientId, text] of person.pending) this.#send(person, clientId, text);
  }

  drop(person: Person): void {
    if (person.conn === null) return;
    this.sim.disconnect(person.conn);
    person.conn = null;
    this.#route();
  }

  deliver(index: number, answerLost: boolean): void {
    const shard = this.shards[index];
    if (!shard) return;
    const got = link.receive(shard.inbox, shard.outbox.owed);
    shard.inbox = got.inbox;
    if (!answerLost) shard.outbox = link.acknowledged(shard.outbox, got.ack);
    for (const batch of got.batches) {
      for (const line of batch.frames) {
        const tab = line.indexOf("\t");
        const person = this.people.find((p) => p.conn === line.slice(0, tab));
        if (person?.start && link.owedTo(person.start, batch))
          this.#read(person, JSON.parse(line.slice(tab + 1)) as ServerFrame);
      }
    }
    // A socket whose stream has a hole resumes from the history, as after any drop.
    for (const person of this.people) {
      if (
        person.conn !== null &&
        person.start &&
        this.shardOf(person) === index &&
        !link.intact(person.start, shard.inbox)
      ) {
        this.drop(person);
      }
    }
  }

  /** A shard restarts: its sockets are gone (their people come back); its storage, with the number it applied, stays. */
  restart(index: number): void {
    for (const person of this.people) if (person.conn !== null && this.shardOf(person) === index) this.drop(person);
  }

  /**
   * The sequencer restarts: what it stored stays (the simulator's state is its
   * storage), what it owed the shards in memory is lost, and it numbers anew.
   */
  restartSequencer(): void {
    this.#life++;
    for (const shard of this.shards) shard.outbox = link.openOutbox(`life-${this.#life}`);
  }

  /** The link goes quiet: everyone is back, every send resent until acked, every shard delivered to. */
  settle(): void {
    for (let round = 0; round < 5; round++) {
      for (const person of this.people) {
        if (person.session !== null) this.join(person);
        this.resend(person);
      }
      for (let i = 0; i < SHARDS; i++) this.deliver(i, false);
    }
  }

  #send(person: Person, clientId: string, message: string): void {
    if (person.conn === null) return;
    this.sim.send(person.conn, JSON.stringify({ type: "chatMessage", payload: { message, clientId } }));
    this.#route();
  }

  /** What the sequencer sent each connection goes on that connection's shard's link, in one batch per step. */
  #route(): void {
    const batches = new Map<number, string[]>();
    for (const person of this.people) {
      if (person.conn === null) continue;
      const frames = this.sim.frames(person.conn);
      const fresh = frames.slice(person.cursor);
      person.cursor = frames.length;
      if (fresh.length === 0) continue;
      const shard = this.shardOf(person);
      batches.set(shard, [...(batches.get(shard) ?? []), ...fresh.map((f) => `${person.conn}\t${JSON.stringify(f)}`)]);
    }
    for (const [index, frames] of batches) {
      const shard = this.shards[index];
      if (shard) shard.outbox = link.push(shard.outbox, frames).outbox;
    }
  }

  #read(person: Person, frame: ServerFrame): void {
    if (frame.type === "chatMessage") person.seen.push(frame.payload.id);
    if (frame.type === "history") {
      for (const m of frame.payload.messages) if (m.type === "chatMessage") person.seen.push(m.payload.id);
    }
    if (frame.type === "ack") {
      person.pending.delete(frame.payload.clientId);
      person.acks.set(frame.payload.clientId, frame.payload.id);
    }
  }
}

const steps = fc.array(
  fc.oneof(
    { arbitrary: fc.nat(PEOPLE - 1).map<Step>((who) => ({ kind: "join", who })), weight: 2 },
    {
      arbitrary: fc.record({ who: fc.nat(PEOPLE - 1), lost: fc.boolean() }).map<Step>((s) => ({ kind: "say", ...s })),
      weight: 4,
    },
    fc.nat(PEOPLE - 1).map<Step>((who) => ({ kind: "resend", who })),
    fc.nat(PEOPLE - 1).map<Step>((who) => ({ kind: "drop", who })),
    fc.record({ shard: fc.nat(SHARDS - 1), answerLost: fc.boolean() }).map<Step>((s) => ({ kind: "deliver", ...s })),
    fc.nat(SHARDS - 1).map<Step>((shard) => ({ kind: "restart", shard })),
    fc.constant<Step>({ kind: "sequencerRestart" }),
  ),
  // Long enough that people join, write and drop many times over (fast-check's arrays are short unless told).
  { minLength: 60, maxLength: 160 },
);

describe("a room over several shards", () => {
  it("gives each person every message from their arrival once, in order, and acks what was stored", () => {
    const totals = { messages: 0, seen: 0 };
    fc.assert(
      fc.property(steps, (plan) => {
        const room = new ShardedRoom();
        for (const step of plan) {
          const person = "who" in step ? room.people[step.who] : undefined;
          if (step.kind === "join" && person) room.join(person);
          else if (step.kind === "say" && person) room.say(person, step.lost);
          else if (step.kind === "resend" && person) room.resend(person);
          else if (step.kind === "drop" && person) room.drop(person);
          else if (step.kind === "deliver") room.deliver(step.shard, step.answerLost);
          else if (step.kind === "restart") room.restart(step.shard);
          else if (step.kind === "sequencerRestart") room.restartSequencer();
        }
        room.settle();
        const stored = room.sim.history.flatMap((f) => (f.type === "chatMessage" ? [f.payload] : []));
        totals.messages += stored.length;
        totals.seen += room.people.reduce((n, p) => n + p.seen.length, 0);
        for (const person of room.people) {
          if (person.from === null) continue;
          // Exactly the room's messages from their arrival on, each once, in the room's order.
          const owed = stored.filter((m) => m.id >= (person.from ?? 0)).map((m) => m.id);
          const seenSince = person.seen.filter((id) => id >= (person.from ?? 0));
          expect(seenSince).toEqual(owed);
          // Everything they wrote was acked, once stored, with the id of the message stored with its words.
          expect(person.pending.size).toBe(0);
          for (const [clientId, id] of person.acks) {
            expect(stored.find((m) => m.id === id)?.message).toBe(`${person.name} ${clientId}`);
          }
        }
      }),
      { numRuns: 200 },
    );
    // The runs did what they are for: many messages stored and delivered, not empty rooms.
    expect(totals.messages).toBeGreaterThan(2000);
    expect(totals.seen).toBeGreaterThan(totals.messages);
  });
});
