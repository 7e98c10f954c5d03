import { parseArgs } from "node:util";
import { runChaos } from "./chaos";

/**
 * `npm run soak`: the chaos run at a size of your choosing, against a
 * `wrangler dev` it starts and restarts itself on loopback. Exits 1 when any
 * promise was broken, listing each.
 */
const { values } = parseArgs({
  options: {
    clients: { type: "string", short: "c", default: "8" },
    messages: { type: "string", short: "m", default: "60" },
    every: { type: "string", default: "150" },
    drop: { type: "string", default: "0.1" },
    restarts: { type: "string", short: "r", default: "2" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run soak -- [options]
  -c, --clients N     clients chatting at once (default 8)
  -m, --messages N    messages each client sends (default 60)
      --every MS      pause between a client's sends (default 150)
      --drop P        chance per send that the client's socket is killed (default 0.1)
  -r, --restarts N    server restarts during the run (default 2)
      --json          print the report as JSON`);
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

const report = await runChaos({
  clients: Math.max(1, number("clients", values.clients, 200)),
  messages: Math.max(1, number("messages", values.messages, 10_000)),
  sendEveryMs: number("every", values.every, 60_000),
  dropChance: number("drop", values.drop, 1),
  restarts: number("restarts", values.restarts, 20),
  log: values.json ? undefined : (line) => console.error(`* ${line}`),
});

if (values.json) console.log(JSON.stringify(report));
else {
  console.log(
    `${report.sends} sends, ${report.acked} acked (${report.duplicateAcks} resends answered as duplicates), ` +
      `${report.drops} dropped sockets, ${report.reconnects} reconnects, ${report.restarts} server restarts, ` +
      `${report.gapsFilled} gap pages, ${report.rateLimited} rate-limited sends retried, in ${report.seconds} s`,
  );
  console.log(report.violations.length === 0 ? "every promise held" : report.violations.join("\n"));
}
process.exit(report.violations.length === 0 ? 0 : 1);
