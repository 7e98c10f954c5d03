import { execFileSync } from "node:child_process";
import { Command } from "commander";
import { type DevServer, startDevServer } from "../tools/dev-server";
import { closeAll, closedLoop, openClient, openMany, percentile, socketUrl, type Target } from "./load";

/**
 * `npm run bench`: load against the room and, in the same run, against the
 * floor (a Durable Object that only relays), reported as ratios, because on
 * a shared 2-core machine only ratios within one run hold still.
 */

const program = new Command()
  .name("bench")
  .description("Measure a Hallway room against the platform floor, in one run.")
  .option("--url <url>", "a running worker (with BENCH_FLOOR_ENABLED=1); default: start wrangler dev")
  .option("-n, --clients <n>", "clients in the room", Number, 500)
  .option("-k, --senders <k>", "clients sending in a closed loop", Number, 50)
  .option("-t, --seconds <t>", "measured seconds, after the warm-up", Number, 10)
  .option("-w, --warmup <s>", "warm-up seconds", Number, 2)
  .option("--storm <n>", "clients in the join storm (0 to skip)", Number, 1000)
  .option("--storm-history <n>", "history entries in the storm's room", Number, 100)
  .option("--storm-rounds <n>", "storms per side, interleaved; the median is reported", Number, 3)
  .option("--concurrency <n>", "connections opened at once while filling the room", Number, 50)
  .option("--json", "print only the JSON line")
  .parse();
const opts = program.opts<{
  url?: string;
  clients: number;
  senders: number;
  seconds: number;
  warmup: number;
  storm: number;
  stormHistory: number;
  stormRounds: number;
  concurrency: number;
  json?: boolean;
}>();

const log = (line: string) => {
  if (!opts.json) process.stderr.write(`${line}\n`);
};

/** Resident memory of the local workerd processes, in KiB; null when not measurable. */
function workerdRssKiB(): number | null {
  try {
    const out = execFileSync("ps", ["-C", "workerd", "-o", "rss="], { encoding: "utf8" });
    return out
      .split("\n")
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0)
      .reduce((a, b) => a + b, 0);
  } catch {
    return null;
  }
}

const run = Date.now().toString(36);

async function throughput(base: string, target: Target) {
  const room = `bench-${target}-${run}`;
  const rssBefore = opts.url ? null : workerdRssKiB();
  log(`  ${target}: opening ${opts.clients} clients…`);
  const { clients, allReadyMs } = await openMany(base, target, room, opts.clients, opts.concurrency);
  const rssAfter = opts.url ? null : workerdRssKiB();
  const ready = clients.map((c) => c.readyMs);
  log(`  ${target}: ${opts.senders} senders for ${opts.warmup}+${opts.seconds} s…`);
  const result = await closedLoop(clients, target, opts.senders, opts.warmup * 1000, opts.seconds * 1000);
  await closeAll(clients);
  return {
    connectP50Ms: percentile(ready, 50),
    connectP99Ms: percentile(ready, 99),
    allReadyMs: allReadyMs,
    ...result,
    memoryPerConnectionKiB:
      rssBefore !== null && rssAfter !== null ? Math.max(0, (rssAfter - rssBefore) / opts.clients) : null,
  };
}

/** A storm of joins into a room that already has history (the floor has none to send). */
async function storm(base: string, target: Target, round: number): Promise<number> {
  const room = `storm-${target}-${run}-${round}`;
  if (target === "room" && opts.stormHistory > 0) {
    const seeder = await openClient(`${socketUrl(base, "room", room, 999_999)}`, "room");
    await new Promise<void>((resolve) => {
      seeder.ws.on("message", (data) => {
        if (data.toString().includes(`"seed ${opts.stormHistory}"`)) resolve();
      });
      for (let i = 1; i <= opts.stormHistory; i++) {
        seeder.ws.send(JSON.stringify({ type: "chatMessage", payload: { message: `seed ${i}` } }));
      }
    });
    await closeAll([seeder]);
  }
  const { clients, allReadyMs } = await openMany(base, target, room, opts.storm, opts.storm);
  await closeAll(clients);
  return allReadyMs;
}

const fmt = (n: number | null, digits = 1) => (n === null ? "n/a" : n.toFixed(digits));
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

async function main() {
  let server: DevServer | null = null;
  let base = opts.url;
  if (!base) {
    log("starting wrangler dev with the floor enabled…");
    server = await startDevServer({
      vars: {
        BENCH_FLOOR_ENABLED: "1",
        RATE_LIMIT_BURST: "1000000",
        RATE_LIMIT_PER_SECOND: "1000000",
        MAX_CONNECTIONS: "100000",
        IDLE_TIMEOUT_SECONDS: "3600",
      },
    });
    base = server.url;
  }
  try {
    log(`throughput: ${opts.clients} clients, ${opts.senders} senders`);
    const floor = await throughput(base, "floor");
    const room = await throughput(base, "room");
    let stormFloor: number | null = null;
    let stormRoom: number | null = null;
    if (opts.storm > 0) {
      log(`join storm: ${opts.storm} clients, ${opts.stormHistory} history entries, ${opts.stormRounds} rounds`);
      // Storms are short and the machine is noisy: interleave the two sides, alternate which goes
      // first, and take the median of each.
      const floors: number[] = [];
      const rooms: number[] = [];
      for (let round = 0; round < opts.stormRounds; round++) {
        const order: Target[] = round % 2 === 0 ? ["floor", "room"] : ["room", "floor"];
        for (const target of order) (target === "floor" ? floors : rooms).push(await storm(base, target, round));
      }
      stormFloor = percentile(floors, 50);
      stormRoom = percentile(rooms, 50);
      log(
        `  storms (ms): room ${rooms.map((n) => Math.round(n)).join(", ")}; floor ${floors.map((n) => Math.round(n)).join(", ")}`,
      );
    }

    const rows: [string, number | null, number | null, number][] = [
      ["connect p50 (ms)", room.connectP50Ms, floor.connectP50Ms, 1],
      ["connect p99 (ms)", room.connectP99Ms, floor.connectP99Ms, 1],
      [`all ${opts.clients} ready (ms)`, room.allReadyMs, floor.allReadyMs, 0],
      ["sent / s", room.sentPerSec, floor.sentPerSec, 0],
      ["delivered / s", room.deliveredPerSec, floor.deliveredPerSec, 0],
      ["latency p50 (ms)", room.p50Ms, floor.p50Ms, 2],
      ["latency p99 (ms)", room.p99Ms, floor.p99Ms, 2],
      ["delivery ratio", room.deliveryRatio, floor.deliveryRatio, 4],
      ["messages per frame", room.messagesPerFrame, floor.messagesPerFrame, 2],
      ["memory / connection (KiB)", room.memoryPerConnectionKiB, floor.memoryPerConnectionKiB, 1],
      [`join storm, ${opts.storm}, median of ${opts.stormRounds} (ms)`, stormRoom, stormFloor, 0],
    ];
    if (!opts.json) {
      const out = [
        "",
        `| metric | room | floor | room / floor |`,
        `|---|---:|---:|---:|`,
        ...rows.map(([name, r, f, d]) => `| ${name} | ${fmt(r, d)} | ${fmt(f, d)} | ${fmt(ratio(r, f), 2)} |`),
        "",
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    }
    const json = {
      clients: opts.clients,
      senders: opts.senders,
      seconds: opts.seconds,
      storm: opts.storm,
      stormHistory: opts.stormHistory,
      stormRounds: opts.stormRounds,
      room: { ...room, stormMs: stormRoom },
      floor: { ...floor, stormMs: stormFloor },
      ratios: {
        deliveredPerSec: ratio(room.deliveredPerSec, floor.deliveredPerSec),
        sentPerSec: ratio(room.sentPerSec, floor.sentPerSec),
        p50: ratio(room.p50Ms, floor.p50Ms),
        p99: ratio(room.p99Ms, floor.p99Ms),
        connectP99: ratio(room.connectP99Ms, floor.connectP99Ms),
        allReady: ratio(room.allReadyMs, floor.allReadyMs),
        storm: ratio(stormRoom, stormFloor),
      },
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } finally {
    await server?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
