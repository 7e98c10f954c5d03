import { execFileSync } from "node:child_process";
import { Command, Option } from "commander";
import { type DevServer, startDevServer } from "../tools/dev-server";
import { cpuBetween, cpuNow, type Process } from "./cpu";
import {
  type Bases,
  baseOf,
  type Client,
  closeAll,
  closedLoop,
  openClient,
  openMany,
  percentile,
  socketUrl,
  speaksChat,
  type Target,
} from "./load";
import { type ReconnectStorm, reconnectStorms } from "./reconnect";
import { searchBench, searchTable } from "./search";
import { type FanOut, fanOutPerMessage, ONE_OBJECT_VARS, positiveInt, shardedVars } from "./shards";

/**
 * `npm run bench`: load against the room and, in the same run, against the
 * floor (a Durable Object that only relays, in a worker of its own:
 * `bench/floor`), reported as ratios, because on
 * a shared 2-core machine only ratios within one run hold still. Clients offer
 * permessage-deflate as browsers do, unless told not to; `--compression both`
 * measures both ways in one run. The room is one object (its shard threshold
 * out of reach); `--shards K` adds, in the same run, the same room spread over
 * K objects by a server of its own.
 */

type Compression = "on" | "off";

const program = new Command()
  .name("bench")
  .description("Measure a Hallway room against the platform floor, in one run.")
  .option("--url <url>", "a running Hallway worker; default: start one with wrangler dev")
  .option("--floor-url <url>", "a running floor worker (bench/floor); default: start one with wrangler dev")
  .option("-n, --clients <n>", "clients in the room", Number, 500)
  .option("-k, --senders <k>", "clients sending in a closed loop", Number, 50)
  .option("-t, --seconds <t>", "measured seconds, after the warm-up", Number, 10)
  .option("-w, --warmup <s>", "warm-up seconds", Number, 2)
  .option("--storm <n>", "clients in the join storm (0 to skip)", Number, 1000)
  .option("--storm-history <n>", "history entries in the storm's room", Number, 100)
  .option("--rounds <n>", "throughput runs per side, interleaved; the median is reported", Number, 1)
  .option("--storm-rounds <n>", "storms per side, interleaved; the median is reported", Number, 3)
  .option(
    "--reconnect <n>",
    "clients in the reconnect storm, each asking for users on its welcome (0 to skip)",
    Number,
    2000,
  )
  .option(
    "--reconnect-rounds <n>",
    "reconnect storms of each kind (asking for users, not asking), interleaved; the median is reported",
    Number,
    3,
  )
  .option("--concurrency <n>", "connections opened at once while filling the room", Number, 50)
  .option("--ready-timeout <s>", "seconds a client may wait for its history before the run fails", Number, 60)
  .addOption(
    new Option("--compression <mode>", "offer permessage-deflate, as browsers do (on), not (off), or measure both")
      .choices(["on", "off", "both"])
      .default("on"),
  )
  .addOption(
    new Option(
      "--first <side>",
      "the side measured first in the first round; memory favours the other, which may reuse what the first freed",
    )
      .choices(["floor", "room", "sharded"])
      .default("floor"),
  )
  .option(
    "--settle <s>",
    "seconds to wait after a side's clients close, so their teardown is not charged to the next side",
    Number,
    12,
  )
  .option(
    "--direct",
    "connect to the worker's own port inside wrangler dev, past its proxy (which holds 4 file descriptors per socket: with a limit of 20,000 a room stops near 4,950 clients)",
  )
  .option(
    "--search",
    "instead of the load: fill a room with --search-messages messages, then time searches and history pages in it",
  )
  .option("--search-messages <n>", "messages the search room is filled with", Number, 100_000)
  .option("--search-queries <n>", "searches timed, and as many history pages", Number, 200)
  .option("--search-window <n>", "messages in flight while filling the search room", Number, 200)
  .option("--search-room <name>", "with --url: a room an earlier --search run filled, measured again without filling")
  .option(
    "--shards <k>",
    "also measure the room spread over K objects (SHARD_THRESHOLD = ceil(clients / K)), beside the one-object room and the floor",
    positiveInt,
  )
  .option(
    "--port <n>",
    "the first of the ports the started servers listen on (app, floor, sharded app); default: free ones",
    positiveInt,
  )
  .option("--inspector-port <n>", "the first of their inspector ports; default: free ones", positiveInt)
  .option("--no-floor", "leave the floor out (its figures read n/a): a big sharded run then costs two sides, not three")
  .option("--no-room", "with --shards: leave the one-object room out too (its figures read n/a), for the biggest rooms")
  .option("--json", "print only the JSON line")
  .parse();
const opts = program.opts<{
  url?: string;
  floorUrl?: string;
  clients: number;
  senders: number;
  seconds: number;
  warmup: number;
  storm: number;
  stormHistory: number;
  rounds: number;
  stormRounds: number;
  reconnect: number;
  reconnectRounds: number;
  concurrency: number;
  readyTimeout: number;
  compression: Compression | "both";
  first: Target;
  settle: number;
  direct?: boolean;
  search?: boolean;
  searchMessages: number;
  searchQueries: number;
  searchWindow: number;
  searchRoom?: string;
  shards?: number;
  port?: number;
  inspectorPort?: number;
  floor: boolean;
  room: boolean;
  json?: boolean;
}>();
const modes: Compression[] = opts.compression === "both" ? ["on", "off"] : [opts.compression];
/** The sides measured, in their default order. */
const sides: Target[] = (
  opts.shards === undefined ? (["floor", "room"] as const) : (["floor", "room", "sharded"] as const)
).filter((side) => (opts.floor || side !== "floor") && (opts.room || opts.shards === undefined || side !== "room"));

const log = (line: string) => {
  if (!opts.json) process.stderr.write(`${line}\n`);
};

/** Resident memory of the `workerd` processes of one started server (its process group), in KiB; null when not measurable. */
function workerdRssKiB(group: number | undefined): number | null {
  if (group === undefined) return null;
  try {
    const out = execFileSync("ps", ["-C", "workerd", "-o", "rss=,pgid="], { encoding: "utf8" });
    return out
      .split("\n")
      .map((l) => l.trim().split(/\s+/).map(Number))
      .filter(([rss, pgid]) => pgid === group && rss !== undefined && rss > 0)
      .reduce((sum, [rss]) => sum + (rss ?? 0), 0);
  } catch {
    return null;
  }
}

const run = Date.now().toString(36);
const QUIT = JSON.stringify({ type: "quit", payload: {} });

/**
 * Closes a side's clients and waits `--settle` seconds. The runtime sends the
 * close frame of a socket closed from the server at once, but finishes its
 * teardown (the TCP close among it) about 10 s later; a side measured sooner
 * pays for the other side's thousands of teardowns. Room clients say `quit`
 * first, as someone leaving does: a bare close would keep each of them in
 * the room for its reconnect grace, and their departures would land in
 * whatever is measured 15 s later.
 */
async function settled(clients: Client[], target: Target): Promise<void> {
  if (speaksChat(target)) {
    for (const c of clients) if (c.ws.readyState === c.ws.OPEN) c.ws.send(QUIT);
  }
  await closeAll(clients);
  await new Promise((resolve) => setTimeout(resolve, opts.settle * 1000));
}

async function throughput(bases: Bases, target: Target, mode: Compression, round: number) {
  const room = `bench-${target}-${run}-${mode}-${round}`;
  const rssBefore = workerdRssKiB(serverGroups[target]);
  log(`  ${target}: opening ${opts.clients} clients…`);
  const { clients, allReadyMs } = await openMany(
    bases,
    target,
    room,
    opts.clients,
    opts.concurrency,
    mode === "on",
    opts.readyTimeout * 1000,
  );
  const compressedClients = clients.filter((c) => c.compressed).length;
  const rssAfter = workerdRssKiB(serverGroups[target]);
  const ready = clients.map((c) => c.readyMs);
  const before = speaksChat(target) ? await roomInfo(bases, target, room) : null;
  log(`  ${target}: ${opts.senders} senders for ${opts.warmup}+${opts.seconds} s…`);
  const cpuBefore = cpuNow(serverGroups[target]);
  const result = await closedLoop(clients, target, opts.senders, opts.warmup * 1000, opts.seconds * 1000);
  const workerCpuMs = cpuBetween(cpuBefore, cpuNow(serverGroups[target])).worker ?? null;
  const after = speaksChat(target) ? await roomInfo(bases, target, room) : null;
  await settled(clients, target);
  const perMessage =
    before?.fanOut && after?.fanOut ? fanOutPerMessage(before.fanOut, after.fanOut, result.sentTotal) : null;
  log(
    `  ${target}: ${result.deliveredPerSec.toFixed(0)} delivered / s, p99 ${result.p99Ms.toFixed(1)} ms, ratio ${result.deliveryRatio.toFixed(4)}${
      before ? `, ${before.shards} shard(s)` : ""
    }`,
  );
  return {
    shards: before?.shards ?? null,
    remoteSockets: before?.fanOut?.remoteSockets ?? (before ? 0 : null),
    batchesPerMessage: perMessage?.batchesPerMessage ?? null,
    deliveriesPerMessage: perMessage?.deliveriesPerMessage ?? null,
    workerCpuMs,
    workerCpuUsPerDelivery:
      workerCpuMs === null || result.receivedTotal === 0 ? null : (workerCpuMs * 1000) / result.receivedTotal,
    compressedClients,
    connectP50Ms: percentile(ready, 50),
    connectP99Ms: percentile(ready, 99),
    allReadyMs: allReadyMs,
    ...result,
    memoryPerConnectionKiB:
      rssBefore !== null && rssAfter !== null ? Math.max(0, (rssAfter - rssBefore) / opts.clients) : null,
  };
}

/** What `GET /api/rooms/:room` says of a room's spread: how many objects hold its sockets, and their fan-out figures. */
async function roomInfo(bases: Bases, target: Target, room: string): Promise<{ shards: number; fanOut?: FanOut }> {
  const res = await fetch(`${baseOf(bases, target)}/api/rooms/${room}`);
  if (!res.ok) throw new Error(`GET /api/rooms/${room} on the ${target} side: HTTP ${res.status}`);
  const info = (await res.json()) as { shards?: unknown; fanOut?: FanOut };
  return { shards: typeof info.shards === "number" ? info.shards : 1, ...(info.fanOut ? { fanOut: info.fanOut } : {}) };
}

/**
 * The process group of each `wrangler dev` this run started (the app's, the
 * floor's, the sharded app's): a side's CPU and memory are counted for its own server's processes only.
 */
const serverGroups: Partial<Record<Target, number>> = {};

interface Storm {
  ms: number;
  /** The objects the storm's room spread over (null for the floor). */
  shards: number | null;
  /** CPU each local process used from the first connection to the last history, in ms. */
  cpu: Partial<Record<Process, number>>;
}

/** A storm of joins into a room that already has history (the floor has none to send). */
async function storm(bases: Bases, target: Target, mode: Compression, round: number): Promise<Storm> {
  const room = `storm-${target}-${run}-${mode}-${round}`;
  const compress = mode === "on";
  if (speaksChat(target) && opts.stormHistory > 0) {
    const seeder = await openClient(`${socketUrl(bases, target, room, 999_999)}`, target, compress);
    await new Promise<void>((resolve) => {
      seeder.ws.on("message", (data) => {
        if (data.toString().includes(`"seed ${opts.stormHistory}"`)) resolve();
      });
      for (let i = 1; i <= opts.stormHistory; i++) {
        seeder.ws.send(JSON.stringify({ type: "chatMessage", payload: { message: `seed ${i}` } }));
      }
    });
    await settled([seeder], target);
  }
  const before = cpuNow(serverGroups[target]);
  const { clients, allReadyMs } = await openMany(
    bases,
    target,
    room,
    opts.storm,
    opts.storm,
    compress,
    opts.readyTimeout * 1000,
  );
  const cpu = cpuBetween(before, cpuNow(serverGroups[target]));
  const shards = speaksChat(target) ? (await roomInfo(bases, target, room)).shards : null;
  await settled(clients, target);
  return { ms: allReadyMs, shards, cpu };
}

/** Per process, the median of a side's storms' CPU; null where a process was never seen. */
function stormCpu(storms: readonly { cpu: Storm["cpu"] }[]): Record<Process, number | null> {
  const of = (kind: Process) => {
    const values = storms.flatMap((s) => (s.cpu[kind] === undefined ? [] : [s.cpu[kind]]));
    return values.length === 0 ? null : percentile(values, 50);
  };
  return { worker: of("worker"), proxy: of("proxy"), wrangler: of("wrangler"), load: of("load") };
}

/** The reconnect storms' medians, those asking for `users` and those not. */
function reconnectSummary(storms: ReconnectStorm[], asks: boolean[]) {
  const of = (ask: boolean) => {
    const mine = storms.filter((_, i) => asks[i] === ask);
    return {
      ms: percentile(
        mine.map((s) => s.ms),
        50,
      ),
      cpuMs: stormCpu(mine),
      usersKiB: percentile(
        mine.map((s) => s.usersKiB),
        50,
      ),
    };
  };
  return { clients: opts.reconnect, rounds: opts.reconnectRounds, asking: of(true), silent: of(false) };
}

type Side = Awaited<ReturnType<typeof throughput>>;

/** The closed loop's figures, as rows of every table: a label, how a side gives it, its decimals. */
const LOAD_ROWS: [string, (side: Side) => number | null, number][] = [
  ["sent / s", (s) => s.sentPerSec, 0],
  ["delivered / s", (s) => s.deliveredPerSec, 0],
  ["latency p50 (ms)", (s) => s.p50Ms, 2],
  ["latency p99 (ms)", (s) => s.p99Ms, 2],
  ["delivery ratio", (s) => s.deliveryRatio, 4],
  ["messages per frame", (s) => s.messagesPerFrame, 2],
];

/**
 * Runs `measure` for every round, compression mode and side. The machine is shared and
 * noisy, so the two sides (and the modes) take turns, and which goes first alternates from
 * round to round: a slow spell then falls on both rather than on one.
 */
async function interleaved<T>(
  rounds: number,
  measure: (target: Target, mode: Compression, round: number) => Promise<T>,
): Promise<Map<Compression, Record<Target, T[]>>> {
  const results = new Map(modes.map((m) => [m, { room: [] as T[], floor: [] as T[], sharded: [] as T[] }]));
  for (let round = 0; round < rounds; round++) {
    const first: Target[] = sides.includes(opts.first) ? [opts.first, ...sides.filter((s) => s !== opts.first)] : sides;
    const order = round % 2 === 0 ? first : [...first].reverse();
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      for (const target of order) results.get(mode)?.[target].push(await measure(target, mode, round));
    }
  }
  return results;
}

/** A side's medians; a side left out (`--no-floor`, `--no-room`) reads n/a throughout. */
function measuredOrAbsent(measured: Record<Target, Side[]>, target: Target): Side {
  if (measured[target].length > 0) return medianSide(measured[target]);
  const template = measured.room[0] ?? measured.sharded[0] ?? measured.floor[0] ?? {};
  return Object.fromEntries(Object.keys(template).map((key) => [key, null])) as unknown as Side;
}

/** Each figure's median over the rounds; for accepted compression, the fewest sockets of any round. */
function medianSide(rounds: Side[]): Side {
  const keys = Object.keys(rounds[0] ?? {}) as (keyof Side)[];
  return Object.fromEntries(
    keys.map((key) => {
      const values = rounds.map((r) => r[key]);
      if (key === "compressedClients") return [key, Math.min(...(values as number[]))];
      return [key, values.includes(null) ? null : percentile(values as number[], 50)];
    }),
  ) as Side;
}

const fmt = (n: number | null, digits = 1) => (n === null ? "n/a" : n.toFixed(digits));
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

/** A table in Markdown: per metric, three cells for each group (a compression mode, say). */
function markdownTable<G>(
  groups: readonly G[],
  head: (g: G) => string,
  rows: readonly [string, (g: G) => string][],
): string[] {
  return [
    `| metric | ${groups.map(head).join(" | ")} |`,
    `|---|${groups.map(() => "---:|---:|---:|").join("")}`,
    ...rows.map(([name, cells]) => `| ${name} | ${groups.map(cells).join(" | ")} |`),
  ];
}

/** The reconnect storms as a table of their own: the room alone, with and without the `users` requests. */
function reconnectTable(runs: { compression: Compression; reconnect: ReturnType<typeof reconnectSummary> | null }[]) {
  const measured = runs.flatMap((r) => (r.reconnect ? [{ mode: r.compression, ...r.reconnect }] : []));
  if (measured.length === 0) return [];
  type Kind = (typeof measured)[number]["asking"];
  const rows: [string, (k: Kind) => number | null, number][] = [
    ["all back (ms)", (k) => k.ms, 0],
    ["CPU, the worker's runtime (ms)", (k) => k.cpuMs.worker, 0],
    ["CPU, the dev proxy (ms)", (k) => k.cpuMs.proxy, 0],
    ["CPU, wrangler (ms)", (k) => k.cpuMs.wrangler, 0],
    ["CPU, the load generator (ms)", (k) => k.cpuMs.load, 0],
    ["users reply, per client (KiB)", (k) => k.usersKiB, 1],
  ];
  const label = (mode: Compression) => (measured.length === 1 ? "" : `, ${mode}`);
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return [
    `reconnect storm: ${opts.reconnect} clients drop and come back at once; those asking send \`users\` on their welcome, as the web app does (median of ${opts.reconnectRounds} each)`,
    "",
    ...markdownTable(
      measured,
      (m) => `asking${label(m.mode)} | not asking${label(m.mode)} | difference${label(m.mode)}`,
      rows.map(([name, pick, d]) => [
        name,
        (m) =>
          `${fmt(pick(m.asking), d)} | ${fmt(pick(m.silent), d)} | ${fmt(diff(pick(m.asking), pick(m.silent)), d)}`,
      ]),
    ),
    "",
  ];
}

/** The app's guards lifted, so the load measures the room and not its limits. */
const APP_VARS = {
  RATE_LIMIT_BURST: "1000000",
  RATE_LIMIT_PER_SECOND: "1000000",
  MAX_CONNECTIONS: "100000",
  IDLE_TIMEOUT_SECONDS: "3600",
  // Every benchmark client comes from one address: the join storm alone is 1,000 joins.
  JOIN_RATE_PER_MINUTE: "10000000",
  SEARCHES_PER_MINUTE: "10000000",
  // A reconnect storm's clients must still be away, not gone, when they come back after a quiet spell.
  RECONNECT_GRACE_SECONDS: "600",
};

/** The floor's own worker, never part of the app's. */
const FLOOR_CONFIG = "bench/floor/wrangler.toml";

/**
 * Starts, side by side, a `wrangler dev` for each side that `--url` or
 * `--floor-url` does not name: the app, and the floor. Each runs in its own
 * process group, so each side's CPU and memory are its own server's.
 */
async function startSides(): Promise<{ bases: Bases; servers: DevServer[] }> {
  const settings: Record<
    Target,
    { url: string | undefined; options: { vars?: Record<string, string>; config?: string } }
  > = {
    room: { url: opts.url, options: { vars: { ...APP_VARS, ...ONE_OBJECT_VARS } } },
    floor: { url: opts.floorUrl, options: { config: FLOOR_CONFIG } },
    sharded: {
      url: undefined,
      options: { vars: { ...APP_VARS, ...(opts.shards === undefined ? {} : shardedVars(opts.clients, opts.shards)) } },
    },
  };
  // The ports asked for, in the order of the options' help: the app's, the floor's, the sharded app's.
  const nth: Record<Target, number> = { room: 0, floor: 1, sharded: 2 };
  const start = async (target: Target) => {
    const { url, options } = settings[target];
    if (url) return { base: url, server: null };
    log(
      `starting wrangler dev for the ${target}${target === "sharded" ? ` (SHARD_THRESHOLD ${options.vars?.SHARD_THRESHOLD})` : ""}…`,
    );
    const server = await startDevServer({
      ...options,
      direct: opts.direct,
      ...(opts.port === undefined ? {} : { port: opts.port + nth[target] }),
      ...(opts.inspectorPort === undefined ? {} : { inspectorPort: opts.inspectorPort + nth[target] }),
    });
    serverGroups[target] = server.group;
    const base = server.workerUrl ?? server.url;
    if (opts.direct) log(`${target}, past the dev proxy: ${base}`);
    return { base, server };
  };
  const started = await Promise.allSettled(sides.map(start));
  const servers = started.flatMap((side) =>
    side.status === "fulfilled" && side.value.server ? [side.value.server] : [],
  );
  const failed = started.flatMap((side) => (side.status === "rejected" ? [side.reason] : []));
  if (failed.length > 0) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed[0];
  }
  const bases = Object.fromEntries(
    sides.map((target, i) => {
      const side = started[i];
      return [target, side?.status === "fulfilled" ? side.value.base : ""];
    }),
  ) as Bases;
  return { bases, servers };
}

/** `--search`: the app's server alone (or `--url`), a room filled, then searches and pages timed. */
async function mainSearch() {
  const server = opts.url ? null : await startDevServer({ vars: APP_VARS });
  try {
    const base = opts.url ?? server?.url ?? "";
    const result = await searchBench(
      base,
      {
        messages: opts.searchMessages,
        queries: opts.searchQueries,
        window: opts.searchWindow,
        ...(opts.searchRoom ? { room: opts.searchRoom } : {}),
      },
      log,
    );
    if (!opts.json) process.stdout.write(`\n${searchTable(result).join("\n")}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await server?.stop();
  }
}

/** Set when the run measured something other than what it was asked to (a room not spread over K shards). */
let failed = false;

/** Sides of one run, as reported: the sharded one only with `--shards`. */
interface Reported {
  compression: Compression;
  room: Side & { stormMs: number | null; stormShards: number | null };
  floor: Side & { stormMs: number | null };
  shardsWanted?: number | undefined;
  sharded?: Side & { stormMs: number | null; stormShards: number | null };
}

/** What the rooms reported of their spread against what was asked: one object, and K shards. */
function spreadProblems(r: Reported): string[] {
  const problems: string[] = [];
  if (r.room.shards !== null && r.room.shards !== 1)
    problems.push(`the one-object room reported ${r.room.shards} shards`);
  if (r.sharded && r.sharded.shards !== r.shardsWanted) {
    problems.push(`the sharded room reported ${r.sharded.shards} shards, not the ${r.shardsWanted} asked for`);
  }
  return problems;
}

/** With `--shards`: the sharded room beside the one-object room and the floor, and the issue's bars. */
function shardedTable(r: Reported): string[] {
  const { sharded } = r;
  if (!sharded) return [];
  type Row = Reported["room"] | Reported["floor"] | NonNullable<Reported["sharded"]>;
  const rows: [string, (side: Row) => number | null, number][] = [
    ["shards reported after the joins", (s) => s.shards, 0],
    ["sockets held by fan-out shards", (s) => s.remoteSockets, 0],
    [`all ${opts.clients} ready (ms)`, (s) => s.allReadyMs, 0],
    ...LOAD_ROWS,
    ["sequencer batches / message", (s) => s.batchesPerMessage, 3],
    ["sequencer deliveries (RPC) / message", (s) => s.deliveriesPerMessage, 3],
    ["worker CPU during the load (ms)", (s) => s.workerCpuMs, 0],
    ["worker CPU / delivery (µs)", (s) => s.workerCpuUsPerDelivery, 2],
    ["memory / connection (KiB)", (s) => s.memoryPerConnectionKiB, 1],
    [`join storm, ${opts.storm}, median of ${opts.stormRounds} (ms)`, (s) => s.stormMs, 0],
    ["shards of the storm's room", (s) => ("stormShards" in s ? s.stormShards : null), 0],
  ];
  const delivered = ratio(sharded.deliveredPerSec, r.room.deliveredPerSec);
  const p99 = ratio(sharded.p99Ms, r.room.p99Ms);
  const verdict = (met: boolean) => (met ? "met" : "missed");
  return [
    `the room over ${r.shardsWanted} shards (SHARD_THRESHOLD ${Math.ceil(opts.clients / (r.shardsWanted ?? 1))}), compression ${r.compression}`,
    "",
    ...markdownTable(
      [r],
      () => `one object | sharded | floor | sharded / one object | one object / floor`,
      rows.map(([name, pick, d]) => [
        name,
        () =>
          `${fmt(pick(r.room), d)} | ${fmt(pick(sharded), d)} | ${fmt(pick(r.floor), d)} | ${fmt(ratio(pick(sharded), pick(r.room)), 2)} | ${fmt(ratio(pick(r.room), pick(r.floor)), 2)}`,
      ]),
    ).map((line, i) => (i === 1 ? "|---|---:|---:|---:|---:|---:|" : line)),
    "",
    `sharded / one object: delivered / s ${fmt(delivered, 2)} (at least 0.67: ${verdict((delivered ?? 0) >= 2 / 3)}), p99 ${fmt(p99, 2)} (at most 1.5: ${verdict(p99 !== null && p99 <= 1.5)})`,
    `shards reported: ${sharded.shards} of ${r.shardsWanted} asked for${sharded.shards === r.shardsWanted ? "" : " (MISMATCH)"}`,
    "",
  ];
}

async function main() {
  if (opts.search) return mainSearch();
  const { bases, servers } = await startSides();
  try {
    log(`throughput: ${opts.clients} clients, ${opts.senders} senders, ${opts.rounds} round(s)`);
    const throughputs = await interleaved(opts.rounds, (target, mode, round) => {
      log(` ${target}, compression ${mode}, round ${round + 1}`);
      return throughput(bases, target, mode, round);
    });

    let storms = new Map<Compression, Record<Target, Storm[]>>();
    if (opts.storm > 0) {
      log(`join storm: ${opts.storm} clients, ${opts.stormHistory} history entries, ${opts.stormRounds} rounds`);
      storms = await interleaved(opts.stormRounds, (target, mode, round) => storm(bases, target, mode, round));
      for (const [mode, { room, floor, sharded }] of storms) {
        const ms = (values: Storm[]) => values.map((v) => Math.round(v.ms)).join(", ");
        const spread =
          sharded.length === 0 ? "" : `; sharded ${ms(sharded)} (shards ${sharded.map((v) => v.shards).join(", ")})`;
        log(`  storms, compression ${mode} (ms): room ${ms(room)}; floor ${ms(floor)}${spread}`);
      }
    }
    const reconnects = new Map<Compression, ReturnType<typeof reconnectSummary>>();
    if (opts.reconnect > 0 && sides.includes("room")) {
      // Which kind goes first alternates, so a slow spell falls on both.
      const asks = Array.from({ length: opts.reconnectRounds }, (_, r) =>
        r % 2 === 0 ? [true, false] : [false, true],
      ).flat();
      for (const mode of modes) {
        log(`reconnect storm: ${opts.reconnect} clients, compression ${mode}, ${opts.reconnectRounds} rounds`);
        const room = `reconnect-${run}-${mode}`;
        const storms = await reconnectStorms(bases, room, opts.reconnect, asks, mode === "on", serverGroups.room);
        const ms = (ask: boolean) =>
          storms
            .filter((_, i) => asks[i] === ask)
            .map((s) => `${Math.round(s.ms)} ms, ${Math.round(s.cpu.worker ?? 0)} ms CPU`)
            .join("; ");
        log(`  asking for users: ${ms(true)}`);
        log(`  not asking: ${ms(false)}`);
        reconnects.set(mode, reconnectSummary(storms, asks));
        await new Promise((resolve) => setTimeout(resolve, opts.settle * 1000));
      }
    }

    const stormMedian = (mode: Compression, target: Target, pick: (s: Storm) => number | null = (s) => s.ms) => {
      const values = (storms.get(mode)?.[target] ?? []).flatMap((s) => {
        const value = pick(s);
        return value === null ? [] : [value];
      });
      return values.length === 0 ? null : percentile(values, 50);
    };

    const runs = modes.map((mode) => {
      const measured = throughputs.get(mode) as Record<Target, Side[]>;
      const room = measuredOrAbsent(measured, "room");
      const floor = measuredOrAbsent(measured, "floor");
      const stormRoom = stormMedian(mode, "room");
      const stormFloor = stormMedian(mode, "floor");
      const cpuOf = (target: Target) => (opts.storm > 0 ? stormCpu(storms.get(mode)?.[target] ?? []) : null);
      const sharded =
        opts.shards === undefined
          ? null
          : {
              ...medianSide(measured.sharded),
              stormMs: stormMedian(mode, "sharded"),
              stormShards: stormMedian(mode, "sharded", (s) => s.shards),
              stormCpuMs: cpuOf("sharded"),
            };
      return {
        compression: mode,
        reconnect: reconnects.get(mode) ?? null,
        room: {
          ...room,
          stormMs: stormRoom,
          stormShards: stormMedian(mode, "room", (s) => s.shards),
          stormCpuMs: cpuOf("room"),
        },
        floor: { ...floor, stormMs: stormFloor, stormCpuMs: cpuOf("floor") },
        ...(sharded === null
          ? {}
          : {
              shardsWanted: opts.shards,
              sharded,
              shardedToRoom: {
                deliveredPerSec: ratio(sharded.deliveredPerSec, room.deliveredPerSec),
                p99: ratio(sharded.p99Ms, room.p99Ms),
                storm: ratio(sharded.stormMs, stormRoom),
              },
            }),
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
    });

    if (!opts.json) {
      type Run = (typeof runs)[number];
      const rows: [string, (side: Run["floor"]) => number | null, number][] = [
        ["connect p50 (ms)", (s) => s.connectP50Ms, 1],
        ["connect p99 (ms)", (s) => s.connectP99Ms, 1],
        [`all ${opts.clients} ready (ms)`, (s) => s.allReadyMs, 0],
        ...LOAD_ROWS,
        ["memory / connection (KiB)", (s) => s.memoryPerConnectionKiB, 1],
        [`join storm, ${opts.storm}, median of ${opts.stormRounds} (ms)`, (s) => s.stormMs, 0],
        ["storm CPU, the worker's runtime (ms)", (s) => s.stormCpuMs?.worker ?? null, 0],
        ["storm CPU, the dev proxy (ms)", (s) => s.stormCpuMs?.proxy ?? null, 0],
        ["storm CPU, wrangler (ms)", (s) => s.stormCpuMs?.wrangler ?? null, 0],
        ["storm CPU, the load generator (ms)", (s) => s.stormCpuMs?.load ?? null, 0],
      ];
      const label = (r: Run) => (modes.length === 1 ? "" : `, ${r.compression}`);
      const out = [
        "",
        ...runs.map(
          (r) =>
            `compression ${r.compression}: ${
              r.compression === "on"
                ? "clients offered permessage-deflate, as browsers do;"
                : "clients did not offer permessage-deflate;"
            } it was accepted on ${r.room.compressedClients} of ${opts.clients} room sockets and ${r.floor.compressedClients} of ${opts.clients} floor sockets`,
        ),
        `throughput figures: ${opts.rounds === 1 ? "one round" : `median of ${opts.rounds} interleaved rounds`} per side`,
        `clients connected ${opts.direct ? "to the worker's own port, past the dev proxy" : "through wrangler dev's proxy"}`,
        "",
        ...markdownTable(
          runs,
          (r) => `room${label(r)} | floor${label(r)} | room / floor${label(r)}`,
          rows.map(([name, pick, d]) => [
            name,
            (r) => `${fmt(pick(r.room), d)} | ${fmt(pick(r.floor), d)} | ${fmt(ratio(pick(r.room), pick(r.floor)), 2)}`,
          ]),
        ),
        "",
        ...runs.flatMap((r) => shardedTable(r)),
        ...reconnectTable(runs),
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    }
    // The spread is checked in every run, quiet or not: a run whose room did not spread as asked measured something else.
    for (const r of runs) {
      const spread = spreadProblems(r);
      for (const problem of spread) process.stderr.write(`bench: ${problem}\n`);
      if (spread.length > 0) failed = true;
    }
    // The first run (compression on, unless turned off) is also at the top level, for readers of one run.
    const json = {
      clients: opts.clients,
      senders: opts.senders,
      seconds: opts.seconds,
      rounds: opts.rounds,
      storm: opts.storm,
      stormHistory: opts.stormHistory,
      stormRounds: opts.stormRounds,
      reconnectRounds: opts.reconnectRounds,
      direct: Boolean(opts.direct),
      first: opts.first,
      settle: opts.settle,
      ...(opts.shards === undefined ? {} : { shards: opts.shards }),
      ...runs[0],
      runs,
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
