import { describe, expect, it } from "vitest";
import { capacity, flushIntervalMs, PLATFORM } from "../../bench/capacity";

const room = (people: number) => capacity({ ...baseInputs(), people });

describe("the capacity model of a room over several objects", () => {
  it("spreads 100,000 people over 50 shards of 2,000, each within the platform's sockets per object", () => {
    const model = room(100_000);
    expect(model.shards).toBe(50);
    expect(model.sequencerSockets.even).toBe(2000);
    expect(model.fitsInObjects).toBe(true);
  });

  it("keeps no more than one shard's share on the sequencer when the room filled from empty: newcomers go to fan-out shards", () => {
    expect(room(100_000).sequencerSockets.filledFromEmpty).toBe(2000);
  });

  it("has the sequencer make one delivery per fan-out shard per flush, whatever the room's size", () => {
    expect(room(100_000).rpcsPerFlush).toBe(49);
    expect(room(4000).rpcsPerFlush).toBe(1);
    expect(room(1000).rpcsPerFlush).toBe(0);
    // A busy big room flushes every 250 ms: four flushes a second, 49 deliveries each.
    expect(room(100_000).flushesPerSecond).toBe(4);
    expect(room(100_000).rpcsPerSecond).toBe(196);
  });

  it("flushes a quiet room once per message and a busy big one at the coalescer's longest interval", () => {
    expect(flushIntervalMs(10)).toBe(4);
    expect(flushIntervalMs(500)).toBe(100);
    expect(flushIntervalMs(100_000)).toBe(250);
    const quiet = capacity({ ...baseInputs(), messagesPerSecond: 2 });
    expect(quiet.flushesPerSecond).toBe(2);
  });

  it("puts the wait for the flush, the RPCs, then the slower of the sequencer's own sends and two hops and a shard's sends on a message's way", () => {
    const model = room(100_000);
    // 250 ms + 49 x 100 µs + the later of 2,000 x 10 µs (its own) and 2 x 2 ms + 2,000 x 10 µs (a shard's).
    expect(model.worstMs.even).toBeCloseTo(250 + 4.9 + 4 + 20, 6);
    expect(model.worstMs.filledFromEmpty).toBeCloseTo(model.worstMs.even, 6);
    // One object: the wait and its own sends to everyone, no hops.
    expect(room(1000).worstMs.even).toBeCloseTo(flushIntervalMs(1000) + 10, 6);
  });

  it("stays under the platform's soft limit of requests per object at a hundred messages a second", () => {
    const model = room(100_000);
    expect(model.requestsInPerSecond).toBeLessThan(PLATFORM.requestsPerSecond);
    expect(model.sequencerCpuMsPerSecond.even).toBeLessThan(1000);
  });
});

function baseInputs() {
  return { people: 100_000, perShard: 2000, maxShards: 64, messagesPerSecond: 100, sendUs: 10, rpcUs: 100, hopMs: 2 };
}
