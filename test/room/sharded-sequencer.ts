import { ClientType, clientFrame } from "../../src/protocol";
import { DEFAULT_CONFIG } from "../../src/room/config";
import { Room } from "../../src/room/durable/room";
import type { DeliveryAnswer, ShardBatch, ShardLink, ShardOp } from "../../src/room/shards/traffic";
import { FakeObjectState } from "./fake-platform";

const ROOM = "sequencer-fan-out";

/**
 * A fan-out shard as the sequencer sees it, in plain Node: it acknowledges
 * every delivery at once and keeps only what a test counts (a room of
 * 100,000 must not keep every text it was sent).
 */
export class RecordingShard implements ShardLink {
  /** Deliveries made to this shard: RPCs, each with the batches owed. */
  deliveries = 0;
  /** Per op kind, how many the shard was told to perform. */
  readonly ops = { to: 0, all: 0, close: 0 };
  /** The ops themselves, in order, while `keep` is set (a CPU measurement counts them only). */
  readonly kept: ShardOp[] = [];
  keep = true;

  async deliver(batches: ShardBatch[]): Promise<DeliveryAnswer> {
    this.deliveries++;
    let ack = 0;
    for (const batch of batches) {
      ack = batch.seq;
      for (const op of batch.frames) {
        this.ops[op.kind]++;
        if (this.keep) this.kept.push(op);
      }
    }
    return { ack, gone: [] };
  }

  /** The connections this shard holds, as the sequencer let them in. */
  readonly holds = new Set<string>();

  async heartbeats(): Promise<Record<string, number>> {
    return Object.fromEntries([...this.holds].map((conn) => [conn, Date.now()]));
  }
}

/**
 * The room's real `Room` as a sequencer whose sockets are all held by `K`
 * fan-out shards (numbered 1 to K; shard 0, its own sockets, holds none),
 * each a `RecordingShard`. People are admitted as a shard would knock for
 * them, round-robin over the shards, and speak through their shard.
 */
export class ShardedSequencer {
  readonly platform = new FakeObjectState();
  readonly room: Room;
  readonly links = new Map<number, RecordingShard>();
  /** Each admitted person's connection and shard, in the order they came. */
  readonly people: { conn: string; shard: number }[] = [];
  /** The connections each shard holds. */
  readonly held = new Map<number, string[]>();
  readonly #shards: number;

  /** `capacity`: the room's `maxConnections`. `keep`: whether the shards keep every op, or only count them. */
  constructor(shards: number, capacity: number, keep = true) {
    this.#shards = shards;
    for (let shard = 1; shard <= shards; shard++) {
      const link = new RecordingShard();
      link.keep = keep;
      this.links.set(shard, link);
    }
    // The few who speak here speak faster than a person may: the rate limit is not what is measured.
    const config = { ...DEFAULT_CONFIG, maxConnections: capacity, rateLimitBurst: 1e9, rateLimitPerSecond: 1e9 };
    this.room = new Room(
      this.platform,
      config,
      () => ROOM,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      (shard) => this.link(shard),
    );
  }

  link(shard: number): RecordingShard {
    const link = this.links.get(shard);
    if (!link) throw new Error(`no shard ${shard}`);
    return link;
  }

  /** Lets `count` more people in, each by their shard's knock; throws on a refusal. */
  async admit(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const n = this.people.length;
      const conn = `c${n}`;
      const shard = 1 + (n % this.#shards);
      const url = `https://hallway.test/api/rooms/${ROOM}/ws?username=person${n}&session=session-${n}`;
      const entry = await this.room.admitRemote(shard, conn, new Request(url));
      if (!entry.admitted) throw new Error(`person ${n} was refused: ${JSON.stringify(entry)}`);
      this.people.push({ conn, shard });
      this.link(shard).holds.add(conn);
      const held = this.held.get(shard) ?? [];
      held.push(conn);
      this.held.set(shard, held);
    }
  }

  /** The flush timer fires, and the shards' answers come back. */
  async flush(): Promise<void> {
    this.room.flush.flush();
    await settled();
  }

  /** A chat message from a person, forwarded by their shard. */
  async say(person: number, text: string, clientId: string): Promise<void> {
    const who = this.people[person];
    if (!who) throw new Error(`no person ${person}`);
    const frame = JSON.stringify(clientFrame(ClientType.chatMessage, { message: text, clientId }));
    const answer = await this.room.fromShard(who.shard, [{ conn: who.conn, message: frame }]);
    if (answer.unknown.length > 0) throw new Error(`the sequencer does not know ${answer.unknown.join(", ")}`);
  }

  /** The shards forget the ops they kept so far (their counts stay). */
  forget(): void {
    for (const link of this.links.values()) link.kept.length = 0;
  }

  /** Op counts over every shard, so a test can take what one step cost. */
  totals(): { to: number; all: number; close: number; deliveries: number } {
    const sum = { to: 0, all: 0, close: 0, deliveries: 0 };
    for (const link of this.links.values()) {
      sum.to += link.ops.to;
      sum.all += link.ops.all;
      sum.close += link.ops.close;
      sum.deliveries += link.deliveries;
    }
    return sum;
  }
}

/** Lets the turn's batches be sealed (a microtask) and the shards' answers (promises) come back. */
async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
