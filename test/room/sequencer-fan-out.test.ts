import { describe, expect, it } from "vitest";
import { parseServerData } from "../../src/protocol";
import { ShardedSequencer } from "./sharded-sequencer";

/** How many times a text holds the chat message `message`. */
function copiesIn(text: string, message: string): number {
  return parseServerData(text).filter((f) => f.type === "chatMessage" && f.payload.message === message).length;
}

/** Per connection, how many copies of `message` its shard was told to give it, from the ops the shards kept. */
function heard(sequencer: ShardedSequencer, message: string): Map<string, number> {
  const copies = new Map<string, number>();
  const add = (conn: string, n: number) => copies.set(conn, (copies.get(conn) ?? 0) + n);
  for (const [shard, link] of sequencer.links) {
    for (const op of link.kept) {
      if (op.kind === "to") add(op.conn, copiesIn(op.text, message));
      if (op.kind !== "all") continue;
      const n = copiesIn(op.text, message);
      const skip = new Set(op.skip);
      for (const conn of sequencer.held.get(shard) ?? []) if (!skip.has(conn)) add(conn, n);
    }
  }
  return copies;
}

describe("the sequencer of a room over fan-out shards", () => {
  it.each([
    { people: 1_000, shards: 8 },
    { people: 1_000, shards: 50 },
    { people: 10_000, shards: 8 },
    { people: 10_000, shards: 50 },
  ])(
    "sends a chat message once per shard, whatever the room's size, and it reaches all $people people over $shards shards once",
    async ({ people, shards }) => {
      const sequencer = new ShardedSequencer(shards, people);
      await sequencer.admit(people);
      // The arrivals' presence goes out, and the room is quiet.
      await sequencer.flush();
      await sequencer.flush();
      const speakers = [0, Math.floor(people / 2) + 1, people - 1];
      for (const [i, speaker] of speakers.entries()) {
        sequencer.forget();
        const before = sequencer.totals();
        const stats = sequencer.room.shardStats();
        const message = `message ${i} from person ${speaker}`;
        await sequencer.say(speaker, message, `m${i}`);
        await sequencer.flush();
        const after = sequencer.totals();
        // One shared text per shard, and the sender's own (its ack with its copy): not a send per person.
        expect(after.all - before.all).toBe(shards);
        expect(after.to - before.to).toBe(1);
        expect(after.close - before.close).toBe(0);
        expect(after.deliveries - before.deliveries).toBe(shards);
        // The room's own figures say the same: a batch and a delivery per shard.
        const now = sequencer.room.shardStats();
        expect(now.batches - stats.batches).toBe(shards);
        expect(now.deliveries - stats.deliveries).toBe(shards);
        const copies = heard(sequencer, message);
        const short = sequencer.people.filter(({ conn }) => copies.get(conn) !== 1);
        expect(short, "people who did not get the message exactly once").toEqual([]);
      }
    },
  );
});
