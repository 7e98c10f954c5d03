import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import * as v from "valibot";
import { type Run, scalingCharts } from "./charts";

const SideResult = v.object({ deliveredPerSec: v.number(), p99Ms: v.number() });
const RunResult = v.object({ clients: v.number(), compression: v.string(), room: SideResult, floor: SideResult });

/**
 * `npm run bench:chart -- a.json b.json ...`: draws the scaling charts from
 * the JSON line of `npm run bench --json` runs, one run per room size, so the
 * figures in BENCHMARKS.md are the benchmark's own, never redrawn by hand.
 * Each run is its own room/floor pair; only the ratio within a run is steady.
 */

const program = new Command()
  .name("bench-chart")
  .description("Draw delivered/s and p99 against room size from benchmark JSON results.")
  .argument("<results...>", "files holding the JSON line of `npm run bench -- --json`")
  .option("-o, --out <prefix>", "prefix of the SVG files written", "bench/scaling")
  .parse();
const { out } = program.opts<{ out: string }>();

/** The JSON line of each file (the last line that parses), one point per side. */
const runs: Run[] = program.args.map((file) => {
  const lines = readFileSync(file, "utf8").trim().split("\n").reverse();
  for (const line of lines) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const run = v.safeParse(RunResult, json);
    if (run.success) return run.output;
  }
  throw new Error(`${file}: no JSON result line`);
});
const charts = scalingCharts(runs);
writeFileSync(`${out}-delivered.svg`, charts.delivered);
writeFileSync(`${out}-p99.svg`, charts.p99);
process.stdout.write(`wrote ${out}-delivered.svg and ${out}-p99.svg from ${runs.length} runs\n`);
