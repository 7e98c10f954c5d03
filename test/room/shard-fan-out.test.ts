import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/room/core";
import { DELIVERY_TEXT_MAX, ShardFanOut } from "../../src/room/shards/fan-out";
import { MAX_OWED } from "../../src/room/shards/link";
import type { DeliveryAnswer, ShardBatch, ShardLink } from "../../src/room/shards/traffic";

/** A shard that answers only when the test lets it, keeping every batch it was handed. */
class SlowShard implements ShardLink {
  readonly calls: ShardBatch[][] = [];
  readonly #waiting: (() => void)[] = [];

  deliver(batches: ShardBatch[]): Promise<DeliveryAnswer> {
    this.calls.push(batches);
    const ack = batches.at(-1)?.seq ?? 0;
    return new Promise((resolve) => this.#waiting.push(() => resolve({ ack, gone: [] })));
  }

  async heartbeats(): Promise<Record<string, number>> {
    return {};
  }

  /** Answers every delivery in flight. */
  answer(): void {
    for (const go of this.#waiting.splice(0)) go();
  }
}

function kv() {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    put: <T>(key: string, value: T) => void values.set(key, value),
  };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the sequencer's batches to a slow shard", () => {
  it("gathers a storm of small events into a few batches while a delivery is in flight, so the shard is not given up", async () => {
    const shard = new SlowShard();
    const logs: LogEntry[] = [];
    const fanOut = new ShardFanOut(
      kv(),
      () => shard,
      (entry) => logs.push(entry),
      () => {},
    );
    // A crowd quitting: 3,000 departures, each its own event (its own turn), while the shard is slow.
    const events = MAX_OWED * 10;
    for (let i = 0; i < events; i++) {
      fanOut.op(1, { kind: "all", text: `left ${i}`, skip: [] });
      await turn();
    }
    expect(fanOut.owed).toBeLessThan(MAX_OWED);
    shard.answer();
    for (let round = 0; round < 20 && fanOut.owed > 0; round++) {
      await turn();
      shard.answer();
    }
    expect(fanOut.owed).toBe(0);
    expect(logs.filter((l) => l.event === "shard_overflow")).toEqual([]);
    // Every event reached the shard once, in order, in numbered batches with no gap.
    const seen = new Map<number, ShardBatch>();
    for (const call of shard.calls) for (const batch of call) seen.set(batch.seq, batch);
    const batches = [...seen.values()].sort((a, b) => a.seq - b.seq);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => (batches[0]?.seq ?? 0) + i));
    const texts = batches.flatMap((b) => b.frames.map((op) => (op.kind === "all" ? op.text : "")));
    expect(texts).toEqual(Array.from({ length: events }, (_, i) => `left ${i}`));
    expect(batches.length).toBeLessThan(10);
  });
});

describe("the sequencer's deliveries", () => {
  it("carry owed batches in calls of a bounded size, in order, when a shard fell behind", async () => {
    const shard = new SlowShard();
    const fanOut = new ShardFanOut(
      kv(),
      () => shard,
      () => {},
      () => {},
    );
    // Ten joiners' replays of about 1 MB each, each numbered at once (a joiner's stream starts after it).
    const replay = "x".repeat(1024 * 1024);
    for (let i = 0; i < 10; i++) {
      fanOut.op(1, { kind: "to", conn: `joiner-${i}`, text: replay });
      fanOut.startFor(1);
    }
    const sizes: number[] = [];
    const seqs: number[] = [];
    for (let round = 0; round < 20 && fanOut.owed > 0; round++) {
      const call = shard.calls.at(-1) ?? [];
      sizes.push(
        call.reduce((n, b) => n + b.frames.reduce((m, op) => m + (op.kind === "close" ? 0 : op.text.length), 0), 0),
      );
      seqs.push(...call.map((b) => b.seq));
      shard.answer();
      await turn();
    }
    expect(fanOut.owed).toBe(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(DELIVERY_TEXT_MAX);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it("greet a shard on waking with an empty batch, so a hole left by a lost life shows at once", async () => {
    const store = kv();
    // The last life numbered up to 6 for shard 2, and what it owed was lost with it.
    store.put("shard-next:2", 7);
    const shard = new SlowShard();
    const fanOut = new ShardFanOut(
      store,
      () => shard,
      () => {},
      () => {},
    );
    fanOut.greet(2);
    expect(shard.calls).toHaveLength(1);
    expect(shard.calls[0]?.map((b) => [b.seq, b.frames.length])).toEqual([[7, 0]]);
  });
});
