import { sha256 } from "@noble/hashes/sha2.js";

/**
 * How a room spreads over fan-out shards, as pure rules: how many shards a
 * room of so many people wants, and which shard holds a given person. The
 * sequencer decides the count; the worker places each connection with it.
 */

/** Shrinking waits until the shards left would each be this full at most: growing and shrinking never chase each other. */
export const SHRINK_FRACTION = 0.75;

export interface ShardLimits {
  /** People per shard before the room grows another (`SHARD_THRESHOLD`). */
  threshold: number;
  /** The most shards a room has (`MAX_SHARDS`). */
  maxShards: number;
}

/**
 * The shard count for `people` in a room that has `current` shards. It grows
 * at once to as many as keep each at `threshold` or under (a join storm grows
 * it in one step, not one shard per storm); it shrinks only once fewer shards
 * would each be at most `SHRINK_FRACTION` full, so a room hovering around a
 * boundary keeps its shards.
 */
export function shardCount(people: number, current: number, { threshold, maxShards }: ShardLimits): number {
  const needed = Math.ceil(people / threshold);
  if (needed > current) return Math.min(needed, maxShards);
  const roomy = Math.ceil(people / (threshold * SHRINK_FRACTION));
  return Math.max(1, Math.min(current, roomy, maxShards));
}

/**
 * The shard (0 to `count` - 1) that holds the person keyed `key` (their
 * session, or account): the one whose hash with the key scores highest. All
 * of one person's tabs meet on one shard, and when a room grows by a shard
 * only the people the new shard wins move, about one in `count`; the others
 * stay where they are.
 */
export function shardFor(key: string, count: number): number {
  let best = 0;
  let bestScore = -1;
  for (let shard = 0; shard < count; shard++) {
    const score = scoreOf(key, shard);
    if (score > bestScore) {
      best = shard;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Where a room of `count` shards places a newcomer keyed `key`: the
 * sequencer's own sockets (0) while the room is one object, then only the
 * fan-out shards (1 to `count` - 1). The sequencer keeps the people it held
 * before the room spread and takes no more, so it never carries more than
 * one shard's share of sockets on top of its own work.
 */
export function placeOn(key: string, count: number): number {
  return count <= 1 ? 0 : 1 + shardFor(key, count - 1);
}

const encoder = new TextEncoder();

/** A key's score on a shard: the first 32 bits of a hash of the two, as a whole number. */
function scoreOf(key: string, shard: number): number {
  const digest = sha256(encoder.encode(`${shard}\n${key}`));
  return ((digest[0] ?? 0) * 2 ** 24 + (digest[1] ?? 0) * 2 ** 16 + (digest[2] ?? 0) * 2 ** 8 + (digest[3] ?? 0)) >>> 0;
}
