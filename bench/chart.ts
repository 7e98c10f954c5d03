import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import * as v from "valibot";
import { capacity } from "./capacity";
import { type Run, type ShardRun, scalingCharts, shardCharts, type WorkPoint } from "./charts";

const SideResult = v.object({ deliveredPerSec: v.number(), p99Ms: v.number() });
const RunResult = v.object({ clients: v.number(), compression: v.string(), room: SideResult, floor: SideResult });
const ShardedSide = v.object({
  ...SideResult.entries,
  remoteSockets: v.nullable(v.number()),
  batchesPerMessage: v.nullable(v.number()),
  messagesPerFrame: v.number(),
});
/** A side a `--shards` run left out (`--no-floor`, `--no-room`) reads null. */
const MaybeSide = v.object({ deliveredPerSec: v.nullable(v.number()) });
const ShardRunResult = v.object({
  clients: v.number(),
  shards: v.number(),
  room: MaybeSide,
  floor: MaybeSide,
  sharded: ShardedSide,
});

/**
 * `npm run bench:chart -- a.json b.json ...`: draws the scaling charts from
 * the JSON line of `npm run bench --json` runs, one run per room size, so the
 * figures in BENCHMARKS.md are the benchmark's own, never redrawn by hand.
 * Each run is its own room/floor pair; only the ratio within a run is steady.
 * With `--shards`, from `--shards K` runs: delivered/s of the one-object room,
 * the sharded room and the floor, and the sequencer's sends per flush.
 */

const program = new Command()
  .name("bench-chart")
  .description("Draw delivered/s and p99 against room size from benchmark JSON results.")
  .argument("<results...>", "files holding the JSON line of `npm run bench -- --json`")
  .option("-o, --out <prefix>", "prefix of the SVG files written", "bench/scaling")
  .option(
    "--shards",
    "from `--shards K` runs: <prefix>-delivered.svg (three sides) and <prefix>-work.svg (the sequencer's sends)",
  )
  .parse();
const { out, shards } = program.opts<{ out: string; shards?: boolean }>();

/** The JSON line of a file that `schema` accepts (the last such line). */
function resultOf<S extends v.GenericSchema>(file: string, schema: S): v.InferOutput<S> {
  const lines = readFileSync(file, "utf8").trim().split("\n").reverse();
  for (const line of lines) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const run = v.safeParse(schema, json);
    if (run.success) return run.output;
  }
  throw new Error(`${file}: no JSON result line`);
}

/** Room sizes the sequencer's work is drawn for on paper, up to the 100,000 of the capacity model. */
const MODEL_SIZES = [1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** The sequencer's sends per flush at each size, with `SHARD_THRESHOLD` at its default of 2,000. */
function workModel(): WorkPoint[] {
  return MODEL_SIZES.map((clients) => {
    // Only the counts matter here, not the costs.
    const model = capacity({
      people: clients,
      perShard: 2000,
      maxShards: 64,
      messagesPerSecond: 1,
      sendUs: 0,
      rpcUs: 0,
      hopMs: 0,
    });
    const batches = model.rpcsPerFlush;
    return {
      clients,
      oneObject: clients,
      filledFromEmpty: model.sequencerSockets.filledFromEmpty + batches,
      even: model.sequencerSockets.even + batches,
      batches,
    };
  });
}

if (shards) {
  const runs: ShardRun[] = program.args.map((file) => resultOf(file, ShardRunResult));
  const charts = shardCharts(runs, workModel());
  writeFileSync(`${out}-delivered.svg`, charts.delivered);
  writeFileSync(`${out}-work.svg`, charts.work);
  process.stdout.write(`wrote ${out}-delivered.svg and ${out}-work.svg from ${runs.length} runs\n`);
} else {
  const runs: Run[] = program.args.map((file) => resultOf(file, RunResult));
  const charts = scalingCharts(runs);
  writeFileSync(`${out}-delivered.svg`, charts.delivered);
  writeFileSync(`${out}-p99.svg`, charts.p99);
  process.stdout.write(`wrote ${out}-delivered.svg and ${out}-p99.svg from ${runs.length} runs\n`);
}
