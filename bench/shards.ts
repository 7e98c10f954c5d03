import { InvalidArgumentError } from "commander";

/**
 * The sharded side of `npm run bench -- --shards K`: the room's variables that
 * spread N clients over K objects, and the figures the room's own fan-out
 * statistics give per message. Pure, so the arithmetic is tested apart from
 * the servers.
 */

/** A whole number of at least 1, for an option such as `--shards`. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

/**
 * People per shard so that a room of `clients` ends with exactly `shards`
 * objects: the room wants `ceil(people / threshold)` of them, so the
 * threshold is `ceil(clients / shards)`. One shard for more shards than
 * clients would be asked for: fewer people than shards cannot fill them.
 */
export function shardThreshold(clients: number, shards: number): number {
  if (shards > clients) throw new RangeError(`${shards} shards need at least ${shards} clients`);
  return Math.ceil(clients / shards);
}

/** The shard count a room of `clients` reaches under `threshold` (the room's own rule, without shrinking). */
export function shardsFor(clients: number, threshold: number, maxShards: number): number {
  return Math.min(maxShards, Math.ceil(clients / threshold));
}

/** The platform's default cap on a room's shards (`MAX_SHARDS`): the sharded side never sets it lower. */
export const DEFAULT_MAX_SHARDS = 64;

/** The sharded server's variables: the threshold for K shards, and room enough for K. */
export function shardedVars(clients: number, shards: number): Record<string, string> {
  return {
    SHARD_THRESHOLD: String(shardThreshold(clients, shards)),
    MAX_SHARDS: String(Math.max(shards, DEFAULT_MAX_SHARDS)),
  };
}

/** A threshold no benchmark room reaches: the one-object side stays one object. */
export const ONE_OBJECT_VARS: Record<string, string> = { SHARD_THRESHOLD: "1000000" };

/**
 * The sockets the sequencer keeps itself (shard 0) when a room fills from
 * empty, one joiner after another, as the benchmark fills it: everyone while
 * the room is one object, then no newcomer (they go only to fan-out shards),
 * so its first `threshold` joiners.
 */
export function sequencerSockets(clients: number, threshold: number, maxShards: number): number {
  return maxShards <= 1 ? clients : Math.min(clients, threshold);
}

/** The sharded room's fan-out figures, as `GET /api/rooms/:room` reports them (`fanOut`). */
export interface FanOut {
  remoteSockets: number;
  batches: number;
  deliveries: number;
}

/** The sequencer's work per message sent, between two readings of its figures. */
export function fanOutPerMessage(
  before: FanOut,
  after: FanOut,
  messages: number,
): { batchesPerMessage: number; deliveriesPerMessage: number } | null {
  if (messages <= 0) return null;
  return {
    batchesPerMessage: (after.batches - before.batches) / messages,
    deliveriesPerMessage: (after.deliveries - before.deliveries) / messages,
  };
}
