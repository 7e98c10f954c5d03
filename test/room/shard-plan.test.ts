import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SHRINK_FRACTION, shardCount, shardFor } from "../../src/room/shards/plan";

const limits = { threshold: 2000, maxShards: 64 };

describe("how many shards a room has", () => {
  it("is one for a small room, and grows as soon as a shard would pass the threshold", () => {
    expect(shardCount(0, 1, limits)).toBe(1);
    expect(shardCount(2000, 1, limits)).toBe(1);
    expect(shardCount(2001, 1, limits)).toBe(2);
    // A join storm grows the room in one step.
    expect(shardCount(9000, 1, limits)).toBe(5);
    expect(shardCount(1_000_000, 1, limits)).toBe(64);
  });

  it("shrinks only once the shards left would be three quarters full at most", () => {
    expect(shardCount(1600, 2, limits)).toBe(2);
    expect(shardCount(1500, 2, limits)).toBe(1);
    expect(shardCount(2900, 3, limits)).toBe(2);
    expect(shardCount(0, 5, limits)).toBe(1);
  });

  it("keeps every shard at the threshold or under unless the room is at its most shards, and never flaps", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 64 }),
        (people, current, threshold, maxShards) => {
          const start = Math.min(current, maxShards);
          const count = shardCount(people, start, { threshold, maxShards });
          expect(count).toBeGreaterThanOrEqual(1);
          expect(count).toBeLessThanOrEqual(maxShards);
          if (count < maxShards) expect(people).toBeLessThanOrEqual(count * threshold);
          // Asked again with nothing changed, the answer stands.
          expect(shardCount(people, count, { threshold, maxShards })).toBe(count);
          // A shrink leaves each shard at most SHRINK_FRACTION full.
          if (count < start) expect(people).toBeLessThanOrEqual(count * threshold * SHRINK_FRACTION);
        },
      ),
    );
  });

  it("does not flap for a room whose size wanders around a boundary", () => {
    let count = shardCount(2001, 1, limits);
    for (const people of [1990, 2010, 1995, 2005, 1600, 2001]) {
      count = shardCount(people, count, limits);
      expect(count).toBe(2);
    }
  });
});

describe("which shard holds a person", () => {
  it("is the same for every tab of theirs, and one of the room's shards", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 64 }), (key, count) => {
        const shard = shardFor(key, count);
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(count);
        expect(shardFor(key, count)).toBe(shard);
      }),
    );
  });

  it("moves only the people the new shard wins when the room grows by one", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 63 }), (key, count) => {
        const after = shardFor(key, count + 1);
        expect([shardFor(key, count), count]).toContain(after);
      }),
    );
  });

  it("spreads people about evenly", () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const shard = shardFor(`session-${i}`, 8);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(150);
    // Growing to 9 moves about one in nine.
    let moved = 0;
    for (let i = 0; i < 9000; i++) if (shardFor(`session-${i}`, 9) !== shardFor(`session-${i}`, 8)) moved++;
    expect(moved / 9000).toBeGreaterThan(0.08);
    expect(moved / 9000).toBeLessThan(0.14);
  });
});
