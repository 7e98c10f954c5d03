// Run: npx esbuild tools/sequencer-cpu.ts --bundle --platform=node --format=esm --external:vitest --outfile=dist/sequencer-cpu.mjs --log-level=warning && npx node dist/sequencer-cpu.mjs
// Options: --sizes 1000,100000 --shards 50 --messages 2000 --warmup 500 --rounds 5
import { parseArgs } from "node:util";
import { ShardedSequencer } from "../test/room/sharded-sequencer";

/**
 * The sequencer's CPU per chat message, at each room size: the real `Room`
 * over Node's SQLite, its sockets all held by fan-out shards that acknowledge
 * at once (`test/room/sharded-sequencer.ts`). Each message is forwarded by the
 * sender's shard and flushed, as a quiet room flushes at once. What it costs
 * should not grow with the room: the last line is the largest size's cost
 * over the smallest's, by the median of the rounds (and by the least, the
 * round least disturbed by whatever else the machine runs). Each size is
 * measured alone in the process, so a big room's heap is charged to it only.
 */
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,100000" },
    shards: { type: "string", default: "50" },
    messages: { type: "string", default: "2000" },
    warmup: { type: "string", default: "500" },
    rounds: { type: "string", default: "5" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const shards = Number(values.shards);
const messages = Number(values.messages);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);

const print = console.log;
// The room writes a log line per flush; they are not what is measured.
console.log = () => {};

/** CPU (user and system) in µs since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return used.user + used.system;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

let sent = 0;
/** `count` messages from the first people in turn, each flushed; the CPU they took, in µs. */
async function speak(sequencer: ShardedSequencer, count: number): Promise<number> {
  const speakers = Math.min(100, sequencer.people.length);
  const from = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    sent++;
    await sequencer.say(sent % speakers, `message ${sent}`, `m${sent}`);
    await sequencer.flush();
  }
  return cpuSince(from);
}

const results: { size: number; median: number; least: number }[] = [];
for (const size of sizes) {
  const sequencer = new ShardedSequencer(shards, size, false);
  const admitFrom = process.cpuUsage();
  const admitStart = performance.now();
  await sequencer.admit(size);
  const admitMs = performance.now() - admitStart;
  const admitCpu = cpuSince(admitFrom);
  await sequencer.flush();
  await sequencer.flush();
  await speak(sequencer, warmup);
  const before = sequencer.totals();
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) perRound.push((await speak(sequencer, messages)) / messages);
  const after = sequencer.totals();
  const perMessage = median(perRound);
  const least = Math.min(...perRound);
  const ops = (after.all + after.to + after.close - before.all - before.to - before.close) / (messages * rounds);
  const deliveries = (after.deliveries - before.deliveries) / (messages * rounds);
  results.push({ size, median: perMessage, least });
  print(
    `${size} people over ${shards} shards: admitted in ${(admitMs / 1000).toFixed(1)} s ` +
      `(${(admitCpu / size).toFixed(0)} µs CPU each); per message ${perMessage.toFixed(1)} µs CPU ` +
      `(rounds ${perRound.map((r) => r.toFixed(1)).join(", ")}), ${ops} shard ops, ${deliveries} deliveries`,
  );
}
const first = results[0];
const last = results.at(-1);
if (first && last && first !== last) {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  print(
    `CPU per message at ${last.size} over ${first.size}: ${ratio(last.median, first.median)} ` +
      `(least rounds: ${ratio(last.least, first.least)})`,
  );
}
