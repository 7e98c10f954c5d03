import { COALESCE_MS, MAX_COALESCE_MS, SENDS_PER_SECOND } from "../src/room/core/coalescer";
import { sequencerSockets, shardsFor } from "./shards";

/**
 * A room of many people on Cloudflare, on paper: how many objects it spreads
 * over, what its sequencer does per flush and per second, and where a
 * message's time goes. The costs come from the benchmark's own runs; the
 * platform's limits from its documentation (BENCHMARKS.md names both).
 */

/** Cloudflare's documented limits that bound one object. */
export const PLATFORM = {
  /** WebSocket connections one Durable Object may hold. */
  socketsPerObject: 32_768,
  /** Requests per second one object takes before it is overloaded (a soft limit). */
  requestsPerSecond: 1000,
  /** CPU one request or event may use, by default, in ms. */
  cpuPerEventMs: 30_000,
} as const;

/** How long a busy room waits after a flush before the next, as the room's coalescer decides for `sockets` connections. */
export function flushIntervalMs(sockets: number): number {
  return Math.max(COALESCE_MS, Math.min(MAX_COALESCE_MS, (1000 * sockets) / SENDS_PER_SECOND));
}

export interface CapacityInputs {
  people: number;
  /** People per shard (`SHARD_THRESHOLD`). */
  perShard: number;
  /** `MAX_SHARDS`. */
  maxShards: number;
  /** Chat messages the room's people send per second, all together. */
  messagesPerSecond: number;
  /** CPU of one socket send of a flush's frame, in µs (measured). */
  sendUs: number;
  /** The sequencer's CPU for one delivery RPC to a shard, in µs (measured). */
  rpcUs: number;
  /** One RPC's way between two objects of the room, in ms. */
  hopMs: number;
}

export interface Capacity {
  shards: number;
  /** Sockets the sequencer holds itself: when the room filled from empty (nobody moves as it grows), and once people have come and gone (even). */
  sequencerSockets: { filledFromEmpty: number; even: number };
  /** The most sockets any one object holds (the sequencer, filled from empty), against the platform's limit. */
  fitsInObjects: boolean;
  flushMs: number;
  /** Flushes per second while chat flows: one per interval, or one per message when fewer come. */
  flushesPerSecond: number;
  /** Delivery RPCs the sequencer makes per flush and per second: one per fan-out shard. */
  rpcsPerFlush: number;
  rpcsPerSecond: number;
  /** Requests the sequencer takes per second: each shard's forwarded frames, at most one call per message. */
  requestsInPerSecond: number;
  /** The sequencer's CPU per second for fan-out (its own sockets and its RPCs), filled from empty and even, in ms. */
  sequencerCpuMsPerSecond: { filledFromEmpty: number; even: number };
  /** A fan-out shard's CPU per second for its sockets, in ms. */
  shardCpuMsPerSecond: number;
  /** The longest a message waits, sent just after a flush, until its last copy is sent; filled from empty and even, in ms. */
  worstMs: { filledFromEmpty: number; even: number };
}

/**
 * The room on paper. A flush's batches to the shards leave first, then the
 * sequencer sends to its own sockets (the order of `FlushSchedule.flush`):
 * a message's last copy goes out when the slower of the two is done.
 */
export function capacity(input: CapacityInputs): Capacity {
  const shards = shardsFor(input.people, input.perShard, input.maxShards);
  const even = input.people / shards;
  const filledFromEmpty = sequencerSockets(input.people, input.perShard, input.maxShards);
  const flushMs = flushIntervalMs(input.people);
  const flushesPerSecond = Math.min(input.messagesPerSecond, 1000 / flushMs);
  const rpcsPerFlush = shards - 1;
  const perShard = input.people / shards;
  const flushCpuMs = (own: number) => (own * input.sendUs + rpcsPerFlush * input.rpcUs) / 1000;
  // The wait for the flush; the sequencer's RPCs; then its own sends, beside the hops in and out and the last shard's sends.
  const worst = (own: number) => {
    const issued = (rpcsPerFlush * input.rpcUs) / 1000;
    const ownDone = issued + (own * input.sendUs) / 1000;
    const shardDone = shards > 1 ? issued + 2 * input.hopMs + (perShard * input.sendUs) / 1000 : 0;
    return flushMs + Math.max(ownDone, shardDone);
  };
  return {
    shards,
    sequencerSockets: { filledFromEmpty, even },
    fitsInObjects: Math.max(filledFromEmpty, perShard) <= PLATFORM.socketsPerObject,
    flushMs,
    flushesPerSecond,
    rpcsPerFlush,
    rpcsPerSecond: rpcsPerFlush * flushesPerSecond,
    requestsInPerSecond: shards > 1 ? input.messagesPerSecond : 0,
    sequencerCpuMsPerSecond: {
      filledFromEmpty: flushesPerSecond * flushCpuMs(filledFromEmpty),
      even: flushesPerSecond * flushCpuMs(even),
    },
    shardCpuMsPerSecond: (flushesPerSecond * perShard * input.sendUs) / 1000,
    worstMs: { filledFromEmpty: worst(filledFromEmpty), even: worst(even) },
  };
}
