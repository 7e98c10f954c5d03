import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { type ChaosReport, runChaos, SHORT_RUN } from "./chaos";

/**
 * `npm run soak`: the e2e tests' chaos run with the CPU kept busy, 20 times
 * over (or at a size of your choosing), each against a `wrangler dev` it
 * starts and restarts itself on loopback. A timing fault that one run in ten
 * meets shows up here. Exits 1 when any run broke a promise, listing each.
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", short: "n", default: "20" },
    clients: { type: "string", short: "c", default: String(SHORT_RUN.clients) },
    messages: { type: "string", short: "m", default: String(SHORT_RUN.messages) },
    every: { type: "string", default: String(SHORT_RUN.sendEveryMs) },
    drop: { type: "string", default: String(SHORT_RUN.dropChance) },
    restarts: { type: "string", short: "r", default: String(SHORT_RUN.restarts) },
    "cpu-load": { type: "string", default: String(availableParallelism()) },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run soak -- [options]
  -n, --runs N        chaos runs, one after another (default 20)
  -c, --clients N     clients chatting at once (default ${SHORT_RUN.clients})
  -m, --messages N    messages each client sends (default ${SHORT_RUN.messages})
      --every MS      pause between a client's sends (default ${SHORT_RUN.sendEveryMs})
      --drop P        chance per send that the client's socket is killed (default ${SHORT_RUN.dropChance})
  -r, --restarts N    server restarts during each run (default ${SHORT_RUN.restarts})
      --cpu-load N    busy threads during each run (default ${availableParallelism()}, one per core; 0 for none)
      --json          print the reports as JSON, one line per run`);
  process.exit(0);
}

const number = (name: string, value: string | undefined, max: number) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) {
    console.error(`soak: --${name} must be a number from 0 to ${max}`);
    process.exit(2);
  }
  return n;
};

const runs = Math.max(1, Math.floor(number("runs", values.runs, 1000)));
const options = {
  clients: Math.max(1, number("clients", values.clients, 200)),
  messages: Math.max(1, number("messages", values.messages, 10_000)),
  sendEveryMs: number("every", values.every, 60_000),
  dropChance: number("drop", values.drop, 1),
  restarts: number("restarts", values.restarts, 20),
  cpuWorkers: Math.floor(number("cpu-load", values["cpu-load"], 64)),
};

const summary = (r: ChaosReport) =>
  `${r.sends} sends, ${r.acked} acked (${r.duplicateAcks} resends answered as duplicates), ` +
  `${r.drops} dropped sockets, ${r.reconnects} reconnects, ${r.restarts} server restarts, ` +
  `${r.gapsFilled} gap pages, ${r.rateLimited} rate-limited sends retried, ` +
  `${r.cpuWorkers} busy threads, in ${r.seconds} s`;

let failed = 0;
for (let run = 1; run <= runs; run++) {
  const report = await runChaos({
    ...options,
    log: values.json ? undefined : (line) => console.error(`* run ${run}: ${line}`),
  });
  if (report.violations.length > 0) failed++;
  if (values.json) {
    console.log(JSON.stringify({ run, ...report }));
    continue;
  }
  console.log(`run ${run} of ${runs}: ${summary(report)}`);
  console.log(report.violations.length === 0 ? "  every promise held" : `  ${report.violations.join("\n  ")}`);
}
if (!values.json) {
  console.log(failed === 0 ? `all ${runs} runs held every promise` : `${failed} of ${runs} runs broke a promise`);
}
process.exit(failed === 0 ? 0 : 1);
