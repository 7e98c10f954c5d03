import { type HistoryFrame, parseHistoryPage, ServerType } from "../src/protocol";
import { ChaosClient } from "./chaos-client";
import { type CpuLoad, startCpuLoad } from "./cpu-load";
import { type DevServer, startDevServer } from "./dev-server";

/**
 * The chaos run: several clients chat with `clientId`s while their sockets
 * are killed at random (terminated, no close frame) and the server itself is
 * restarted. Each client reconnects with its session, `since` and `epoch`,
 * fills any gap with `after=`, and resends whatever was not acked. At the end
 * the run checks the promise the protocol makes: every send has exactly one
 * id, every client saw every acked message exactly once, the stored history
 * holds each message once, and quick reconnects made no presence noise.
 * The clients are in chaos-client.ts.
 */

export interface ChaosOptions {
  clients: number;
  /** Messages each client sends. */
  messages: number;
  /** Pause between one client's sends, in ms. */
  sendEveryMs: number;
  /** Chance, per send, that the client's socket is killed right after it. */
  dropChance: number;
  /** How many times the server is stopped and started again during the run. */
  restarts: number;
  /**
   * Busy threads kept spinning from the first join to the end (0: none), so
   * the run also meets the timing of a loaded machine: frames from a killed
   * socket still being inflated when the client reconnects.
   */
  cpuWorkers?: number;
  /**
   * Clients that only read (each dropped at a quarter of the senders' chance
   * per round): they too must see every acked message once.
   */
  listeners?: number;
  /** People per fan-out shard (`SHARD_THRESHOLD`): set low, the room spreads over several objects. */
  shardThreshold?: number;
  /** Reported as it goes, one line per event worth knowing. */
  log?: (line: string) => void;
}

export interface ChaosReport {
  sends: number;
  acked: number;
  duplicateAcks: number;
  drops: number;
  restarts: number;
  reconnects: number;
  gapsFilled: number;
  rateLimited: number;
  /** Busy threads that loaded the CPU during the run. */
  cpuWorkers: number;
  /** The most objects the room's sockets were spread over, as `GET /api/rooms/:room` said once everyone was in. */
  shards: number;
  /** Clients that only read. */
  listeners: number;
  /** Broken promises, one line each; empty when all held. */
  violations: string[];
  seconds: number;
}

/** The short run the e2e tests make, and each of `npm run soak`'s runs unless told otherwise. */
export const SHORT_RUN = { clients: 4, messages: 25, sendEveryMs: 120, dropChance: 0.12, restarts: 1 } as const;

/** The grace the run's server uses: longer than a restart, so a restart is a quick reconnect. */
const GRACE_SECONDS = 60;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

/** Every stored entry of a room, oldest first, through `after=` pages. */
async function storedHistory(base: string, room: string): Promise<HistoryFrame[]> {
  const all: HistoryFrame[] = [];
  let after = 0;
  for (let page = 0; page < 1000; page++) {
    const res = await fetch(`${base}/api/rooms/${room}/history?after=${after}&limit=100`);
    const body = parseHistoryPage(await res.json());
    if (!body) throw new Error(`the stored history after ${after} could not be read (HTTP ${res.status})`);
    all.push(...body.messages);
    after = body.messages.at(-1)?.payload.id ?? after;
    if (!body.hasMore || body.messages.length === 0) break;
  }
  return all;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  // Limits roomy enough for the run's pace: what is proven here is delivery, not the rate limit
  // (a rate-limited send is still retried with its clientId, as a client must).
  const vars = {
    RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
    RATE_LIMIT_BURST: "60",
    RATE_LIMIT_PER_SECOND: "30",
    // Every client here reconnects from one address, many times a minute.
    JOIN_RATE_PER_MINUTE: "100000",
    ...(options.shardThreshold === undefined ? {} : { SHARD_THRESHOLD: String(options.shardThreshold) }),
  };
  let server: DevServer = await startDevServer({ vars });
  const { port, persistDir, url } = server;
  const room = `chaos-${Date.now().toString(36)}`;
  const clients = Array.from({ length: options.clients }, (_, i) => new ChaosClient(url, room, i, log));
  const listeners = Array.from(
    { length: options.listeners ?? 0 },
    (_, i) => new ChaosClient(url, room, options.clients + i, log),
  );
  const everyone = [...clients, ...listeners];
  let shards = 1;
  let drops = 0;
  let restarts = 0;
  let load: CpuLoad | null = null;
  try {
    if (options.cpuWorkers) load = startCpuLoad(options.cpuWorkers);
    for (const c of everyone) c.connect();
    if (!(await until(() => everyone.every((c) => c.welcomed), 60_000))) throw new Error("clients did not join");
    // Everyone's first join notice is not noise; let them all arrive, then start counting.
    await sleep(500);
    for (const c of everyone) c.noise.length = 0;
    const info = await (await fetch(`${url}/api/rooms/${room}`)).json();
    if (typeof info === "object" && info !== null && "shards" in info && typeof info.shards === "number") {
      shards = info.shards;
    }
    log(`${everyone.length} clients in, over ${shards} shard(s)`);

    // Restarts are spread evenly over the sending, so each lands mid-conversation.
    const restartAt = new Set(
      Array.from({ length: options.restarts }, (_, i) =>
        Math.floor(((i + 1) * options.messages) / (options.restarts + 1)),
      ),
    );
    for (let round = 0; round < options.messages; round++) {
      if (restartAt.has(round)) {
        log(`restarting the server (round ${round})`);
        await server.stop();
        // A message typed while the server is down waits in the client's pending list.
        for (const c of clients) c.send(`${c.name}-down-${round}`, `${c.name} typed while down ${round}`);
        server = await startDevServer({ vars, port, persistDir });
        restarts++;
        log("server is back");
      }
      for (const c of clients) {
        c.send(`${c.name}-${round}`, `${c.name} says ${round}`);
        if (Math.random() < options.dropChance) {
          c.drop();
          drops++;
        }
      }
      for (const c of listeners) {
        if (Math.random() < options.dropChance / 4) {
          c.drop();
          drops++;
        }
      }
      await sleep(options.sendEveryMs);
    }

    // Everything typed must be acked, then seen by everyone.
    const allAcked = await until(() => clients.every((c) => c.pending.size === 0), 60_000);
    const ackedIds = new Set<number>();
    for (const c of clients) for (const ids of c.acks.values()) for (const id of ids) ackedIds.add(id);
    const allSeen = await until(() => everyone.every((c) => [...ackedIds].every((id) => c.seen.has(id))), 60_000);

    const violations: string[] = [];
    if (!allAcked) {
      for (const c of clients)
        if (c.pending.size > 0) violations.push(`${c.name}: ${c.pending.size} sends never acked`);
    }
    for (const c of everyone) {
      for (const [clientId, ids] of c.acks) {
        if (ids.size !== 1) violations.push(`${c.name}: ${clientId} was acked with ids ${[...ids].join(", ")}`);
      }
      if (!allSeen) {
        const missing = [...ackedIds].filter((id) => !c.seen.has(id));
        if (missing.length > 0) violations.push(`${c.name}: never saw ${missing.length} acked messages`);
      }
      const twice = c.doubles;
      if (twice.length > 0) violations.push(`${c.name}: saw ids more than once: ${twice.slice(0, 10).join("; ")}`);
      if (c.noise.length > 0) violations.push(`${c.name}: saw presence noise ${c.noise.slice(0, 5).join(", ")}`);
    }
    const stored = await storedHistory(url, room);
    const texts = new Map<string, number>();
    for (const f of stored) {
      if (f.type === ServerType.chatMessage) texts.set(f.payload.message, (texts.get(f.payload.message) ?? 0) + 1);
    }
    let sends = 0;
    for (const c of clients) {
      sends += c.acks.size + c.pending.size;
      for (const clientId of c.acks.keys()) {
        const text = clientId.includes("-down-")
          ? `${c.name} typed while down ${clientId.split("-down-")[1]}`
          : `${c.name} says ${clientId.slice(c.name.length + 1)}`;
        const n = texts.get(text) ?? 0;
        if (n !== 1) violations.push(`stored history holds "${text}" ${n} times`);
      }
    }
    return {
      sends,
      acked: clients.reduce((n, c) => n + c.acks.size, 0),
      duplicateAcks: clients.reduce((n, c) => n + c.duplicateAcks, 0),
      drops,
      restarts,
      reconnects: everyone.reduce((n, c) => n + c.reconnects, 0),
      gapsFilled: clients.reduce((n, c) => n + c.gapsFilled, 0),
      rateLimited: clients.reduce((n, c) => n + c.rateLimited, 0),
      cpuWorkers: load?.workers ?? 0,
      shards,
      listeners: listeners.length,
      violations,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await load?.stop();
    for (const c of everyone) c.stop();
    await server.stop();
  }
}
