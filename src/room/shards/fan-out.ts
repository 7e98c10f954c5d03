import type { SmallKv } from "../../platform/object-state";
import type { LogEntry } from "../core";
import type { Drained } from "../core/coalescer";
import { acknowledged, type Outbox, push, type StreamStart, streamStart } from "./link";
import type { RemoteSockets } from "./remote-sockets";
import type { ShardBatch, ShardLink, ShardOp } from "./traffic";

/**
 * Ops a shard's forming batch holds before it is numbered even while a
 * delivery is in flight: so a shard that does not answer costs at most
 * `MAX_OWED` batches of this many before it is given up.
 */
export const MAX_BATCH_OPS = 1000;

/**
 * Text one delivery carries at most (UTF-16 units, about bytes): owed batches
 * go in order, as many as fit (at least one), so a shard that fell behind in
 * a join storm of replays catches up in calls of a bounded size.
 */
export const DELIVERY_TEXT_MAX = 4 * 1024 * 1024;

/** A failed delivery is tried again after this long, doubling up to `RETRY_MAX_MS`. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 5000;

/** Per shard: its outbox, the ops not yet numbered, and the delivery in flight. */
interface Lane {
  outbox: Outbox<ShardOp>;
  pending: ShardOp[];
  sending: boolean;
  retryMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The sequencer's side of its links to its fan-out shards. Ops for a shard
 * gather until the end of the current turn, or while a delivery to it is in
 * flight, then become one numbered batch (`link.ts`), delivered until the
 * shard acknowledges it: one delivery in flight per shard, the next carrying
 * everything gathered meanwhile. So a storm of small events (a crowd
 * quitting) makes a few big batches, not one each, and a slow shard is
 * given up only when it owes `MAX_OWED` batches of `MAX_BATCH_OPS` ops. A
 * flush goes to each shard once, as one shared text and the few texts of
 * their own.
 *
 * Numbers continue across the object's lives: the next number is stored
 * with every batch (its write and the delivery leave together, as the output
 * gate holds the call until the write is safe). A sequencer evicted with
 * nothing owed goes on where it was and its shards notice nothing; one that
 * lost owed batches skips their numbers, and the shards' sockets resume.
 */
export class ShardFanOut {
  readonly #kv: SmallKv;
  readonly #link: (shard: number) => ShardLink;
  readonly #log: (entry: LogEntry) => void;
  readonly #gone: (conns: string[]) => void;
  readonly #lanes = new Map<number, Lane>();
  #sealing = false;
  #life: string | undefined;
  /** Batches numbered and deliveries made, for the room's statistics. */
  batches = 0;
  deliveries = 0;

  /** `gone`: connections a shard was sent to but does not hold (its socket closed unseen, or the shard restarted). */
  constructor(
    kv: SmallKv,
    link: (shard: number) => ShardLink,
    log: (entry: LogEntry) => void,
    gone: (conns: string[]) => void,
  ) {
    this.#kv = kv;
    this.#link = link;
    this.#log = log;
    this.#gone = gone;
  }

  /** An op for a shard: numbered with the others of this turn (or of this delivery's flight). */
  op(shard: number, op: ShardOp): void {
    const lane = this.#lane(shard);
    lane.pending.push(op);
    if (lane.pending.length >= MAX_BATCH_OPS) this.#seal(shard, true);
    if (this.#sealing) return;
    this.#sealing = true;
    queueMicrotask(() => {
      this.#sealing = false;
      this.seal();
    });
  }

  /** A flush: each shard gets the texts of its own connections, then the shared text once. */
  flush(drained: Drained, remote: RemoteSockets): void {
    const shards = remote.shards();
    if (shards.size === 0) return;
    const own = new Map<number, string[]>();
    for (const conn of drained.own) {
      const socket = remote.get(conn);
      if (!socket) continue;
      const text = drained.textFor(conn);
      if (text !== "") this.op(socket.shard, { kind: "to", conn, text });
      const skip = own.get(socket.shard);
      if (skip) skip.push(conn);
      else own.set(socket.shard, [conn]);
    }
    const shared = drained.shared;
    if (shared === "") return;
    for (const shard of shards.keys()) this.op(shard, { kind: "all", text: shared, skip: own.get(shard) ?? [] });
  }

  /**
   * Where the stream of a socket the shard is about to hold begins. What is
   * gathered for it so far is numbered first: that is already in the
   * joiner's replay, so it must not reach the new socket as well.
   */
  startFor(shard: number): StreamStart {
    this.#seal(shard, true);
    return streamStart(this.#lane(shard).outbox);
  }

  /** Numbers what every shard with no delivery in flight has gathered, and delivers it. */
  seal(): void {
    for (const shard of this.#lanes.keys()) this.#seal(shard, false);
  }

  /**
   * The sequencer woke holding sockets on this shard: an empty batch goes at
   * once, so a shard whose batches were lost with the last life learns of
   * the hole now, not at the room's next message.
   */
  greet(shard: number): void {
    const lane = this.#lane(shard);
    if (lane.outbox.owed.length > 0 || lane.pending.length > 0) return;
    lane.outbox = push(lane.outbox, []).outbox;
    this.#kv.put(nextKey(shard), lane.outbox.next);
    this.#deliver(shard);
  }

  /** Batches owed to shards now, over all of them. */
  get owed(): number {
    let owed = 0;
    for (const lane of this.#lanes.values()) owed += lane.outbox.owed.length;
    return owed;
  }

  /** `now`: numbered even while a delivery is in flight (a joiner's start, or a full batch). */
  #seal(shard: number, now: boolean): void {
    const lane = this.#lane(shard);
    if (lane.pending.length === 0) return;
    if (!now && (lane.sending || lane.timer !== undefined)) return;
    const pushed = push(lane.outbox, lane.pending);
    lane.pending = [];
    lane.outbox = pushed.outbox;
    this.#kv.put(nextKey(shard), lane.outbox.next);
    this.batches++;
    if (pushed.overflow) this.#log({ event: "shard_overflow", shard });
    this.#deliver(shard);
  }

  #deliver(shard: number): void {
    const lane = this.#lane(shard);
    if (lane.sending || lane.timer !== undefined || lane.outbox.owed.length === 0) return;
    lane.sending = true;
    const owed = within(lane.outbox.owed, DELIVERY_TEXT_MAX);
    this.deliveries++;
    this.#link(shard)
      .deliver(owed)
      .then(
        (answer) => {
          lane.sending = false;
          lane.retryMs = RETRY_FIRST_MS;
          lane.outbox = acknowledged(lane.outbox, answer.ack);
          if (answer.gone.length > 0) this.#gone(answer.gone);
          // What gathered during the flight goes as one batch, with anything still owed.
          this.#seal(shard, false);
          this.#deliver(shard);
        },
        (error: unknown) => {
          lane.sending = false;
          this.#log({ event: "shard_unreachable", shard, message: String(error) });
          lane.timer = setTimeout(() => {
            lane.timer = undefined;
            this.#seal(shard, false);
            this.#deliver(shard);
          }, lane.retryMs);
          lane.retryMs = Math.min(RETRY_MAX_MS, lane.retryMs * 2);
        },
      );
  }

  #lane(shard: number): Lane {
    let lane = this.#lanes.get(shard);
    if (!lane) {
      const next = this.#kv.get<number>(nextKey(shard)) ?? 1;
      lane = {
        outbox: { life: this.#lifeId(), next, owed: [] },
        pending: [],
        sending: false,
        retryMs: RETRY_FIRST_MS,
        timer: undefined,
      };
      this.#lanes.set(shard, lane);
    }
    return lane;
  }

  /** The link's life: one per room, kept, so numbers go on across the object's lives. */
  #lifeId(): string {
    if (this.#life) return this.#life;
    let life = this.#kv.get<string>("shard-life");
    if (life === undefined) {
      life = crypto.randomUUID();
      this.#kv.put("shard-life", life);
    }
    this.#life = life;
    return life;
  }
}

/** The first owed batches whose texts fit in `max` units together; always at least the first. */
function within(owed: readonly ShardBatch[], max: number): ShardBatch[] {
  const taken: ShardBatch[] = [];
  let size = 0;
  for (const batch of owed) {
    for (const op of batch.frames) size += op.kind === "close" ? 0 : op.text.length;
    if (taken.length > 0 && size > max) break;
    taken.push(batch);
  }
  return taken;
}

function nextKey(shard: number): string {
  return `shard-next:${shard}`;
}
