import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import {
  fanOutPerMessage,
  positiveInt,
  sequencerSockets,
  shardedVars,
  shardsFor,
  shardThreshold,
} from "../../bench/shards";

describe("the sharded side of the benchmark", () => {
  it("sets the threshold so that the measured room ends with exactly the shards asked for", () => {
    for (const [clients, shards] of [
      [2000, 4],
      [5000, 4],
      [9000, 8],
      [9001, 8],
      [7, 3],
      [100, 1],
    ] as const) {
      const threshold = shardThreshold(clients, shards);
      expect(shardsFor(clients, threshold, 64)).toBe(shards);
    }
    expect(shardThreshold(9000, 8)).toBe(1125);
  });

  it("refuses more shards than clients, which could never all fill", () => {
    expect(() => shardThreshold(3, 4)).toThrow(RangeError);
  });

  it("lets the room grow to K shards even past the default cap of 64", () => {
    expect(shardedVars(9000, 8)).toEqual({ SHARD_THRESHOLD: "1125", MAX_SHARDS: "64" });
    expect(shardedVars(10_000, 100).MAX_SHARDS).toBe("100");
  });

  it("takes --shards only as a whole number of at least 1", () => {
    expect(positiveInt("8")).toBe(8);
    for (const bad of ["0", "-2", "2.5", "eight", ""]) expect(() => positiveInt(bad)).toThrow(InvalidArgumentError);
  });

  it("expects the sequencer to keep its first threshold of joiners and no newcomer once the room spread", () => {
    expect(sequencerSockets(2000, 500, 64)).toBe(500);
    // One object keeps everyone.
    expect(sequencerSockets(2000, 1_000_000, 64)).toBe(2000);
    expect(sequencerSockets(300, 100, 2)).toBe(100);
    // A room allowed no fan-out shard keeps everyone.
    expect(sequencerSockets(300, 100, 1)).toBe(300);
  });

  it("divides the sequencer's batches and deliveries by the messages sent between two readings", () => {
    const before = { remoteSockets: 1500, batches: 100, deliveries: 90 };
    const after = { remoteSockets: 1500, batches: 400, deliveries: 330 };
    expect(fanOutPerMessage(before, after, 100)).toEqual({ batchesPerMessage: 3, deliveriesPerMessage: 2.4 });
    expect(fanOutPerMessage(before, after, 0)).toBeNull();
  });
});
