import type WebSocket from "ws";
import { type Client, closeAll, openClient, percentile } from "./load";
import { line, queries, random, vocabulary } from "./search-corpus";

export interface SearchBenchOptions {
  /** Messages the room is filled with. */
  messages: number;
  /** Searches measured, and as many history pages. */
  queries: number;
  /** Messages in flight while filling. */
  window: number;
  /** A room filled by an earlier run on the same server: measured again without filling. */
  room?: string;
}

interface Timing {
  /** What the room's object spent, from `Server-Timing: room`. */
  roomMs: number;
  /** What the worker waited for the room, the call across included (`Server-Timing: call`). */
  callMs: number;
  /** The whole HTTP request, as the benchmark's client saw it on loopback. */
  httpMs: number;
}

/** p50 and p99 of each of a set of timings. */
function summary(timings: readonly Timing[]) {
  const of = (pick: (t: Timing) => number) => {
    const values = timings.map(pick);
    return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
  };
  return { room: of((t) => t.roomMs), call: of((t) => t.callMs), http: of((t) => t.httpMs) };
}

const SERVER_TIMING = /(room|call);dur=([\d.]+)/g;

/** One GET, timed three ways; `read` checks the body (and may say how many results it had). */
async function timed(url: string, read: (body: unknown) => number): Promise<Timing & { found: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.json();
  const httpMs = performance.now() - started;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
  const server = Object.fromEntries(
    [...(res.headers.get("Server-Timing") ?? "").matchAll(SERVER_TIMING)].map((m) => [m[1], Number(m[2])]),
  );
  return { roomMs: server.room ?? Number.NaN, callMs: server.call ?? Number.NaN, httpMs, found: read(body) };
}

/**
 * Fills a room through one socket, as people would, with rate limits lifted:
 * up to `window` messages in flight, each counted when the room sends it back.
 * Returns messages per second.
 */
async function fill(base: string, room: string, total: number, window: number, log: (s: string) => void) {
  const url = `${base.replace(/^http/, "ws")}/chat/${room}?username=seeder&session=bench-search-seeder`;
  const client: Client = await openClient(url, "room", false);
  const words = vocabulary(5_000);
  const next = random(7);
  const started = performance.now();
  let sent = 0;
  let back = 0;
  let logged = 0;
  await new Promise<void>((resolve, reject) => {
    const send = () => {
      while (sent < total && sent - back < window) {
        sent++;
        client.ws.send(JSON.stringify({ type: "chatMessage", payload: { message: line(words, next) } }));
      }
    };
    client.ws.on("message", (data: WebSocket.RawData) => {
      back += data.toString().split('"type":"chatMessage"').length - 1;
      if (Math.floor(back / 10_000) > logged) {
        logged = Math.floor(back / 10_000);
        log(`  ${back} / ${total}`);
      }
      if (back >= total) resolve();
      else send();
    });
    client.ws.once("close", (code) => reject(new Error(`the seeder's socket closed (${code}) at ${back}`)));
    send();
  });
  const perSec = total / ((performance.now() - started) / 1000);
  await closeAll([client]);
  return perSec;
}

/**
 * `npm run bench -- --search`: a room of `messages` messages, then `queries`
 * searches of varied words and as many plain history pages (50 entries,
 * before a random point), one at a time, each timed inside the room, at the
 * worker and over HTTP.
 */
export async function searchBench(base: string, options: SearchBenchOptions, log: (s: string) => void) {
  const room = options.room ?? `bench-search-${Date.now().toString(36)}`;
  let fillPerSec: number | null = null;
  if (options.room === undefined) {
    log(`search: filling ${room} with ${options.messages} messages…`);
    fillPerSec = await fill(base, room, options.messages, options.window, log);
    log(`  filled at ${fillPerSec.toFixed(0)} messages / s`);
  }
  const api = `${base}/api/rooms/${room}`;
  const newest = await timed(
    `${api}/history?limit=1`,
    (b) => (b as { messages: { payload: { id: number } }[] }).messages[0]?.payload.id ?? 0,
  );
  const top = newest.found;
  // One search and one page unmeasured first: the object and the index's pages are warm for both.
  await timed(`${api}/search?q=the`, () => 0);
  const searches: (Timing & { found: number; q: string })[] = [];
  const pages: Timing[] = [];
  const next = random(11);
  for (const q of queries(vocabulary(5_000), options.queries)) {
    const url = `${api}/search?q=${encodeURIComponent(q)}&limit=20`;
    searches.push({ q, ...(await timed(url, (b) => (b as { results: unknown[] }).results.length)) });
    const before = 1 + Math.floor(next() * top);
    pages.push(await timed(`${api}/history?limit=50&before=${before}`, () => 0));
  }
  // The oldest chat message kept: the first entries are notices (the seeder's arrival).
  const kept = await timed(
    `${api}/history?limit=10&after=0`,
    (b) =>
      (b as { messages: { type: string; payload: { id: number } }[] }).messages.find((f) => f.type === "chatMessage")
        ?.payload.id ?? 0,
  );
  return {
    room,
    messages: fillPerSec === null ? null : options.messages,
    queries: options.queries,
    fillPerSec,
    newestId: top,
    oldestKeptId: kept.found,
    searchesWithResults: searches.filter((s) => s.found > 0).length,
    search: summary(searches),
    history: summary(pages),
    slowestSearches: [...searches]
      .sort((a, b) => b.roomMs - a.roomMs)
      .slice(0, 5)
      .map(({ q, roomMs, found }) => ({ q, roomMs, found })),
  };
}

/** The run as a Markdown table: per timing, p50, p99 and the slowest, for searches and history pages. */
export function searchTable(result: Awaited<ReturnType<typeof searchBench>>): string[] {
  const ms = (n: number) => n.toFixed(2);
  const rows = (name: string, s: ReturnType<typeof summary>) => [
    `| ${name}, inside the room | ${ms(s.room.p50)} | ${ms(s.room.p99)} | ${ms(s.room.max)} |`,
    `| ${name}, the worker's call to the room | ${ms(s.call.p50)} | ${ms(s.call.p99)} | ${ms(s.call.max)} |`,
    `| ${name}, HTTP on loopback | ${ms(s.http.p50)} | ${ms(s.http.p99)} | ${ms(s.http.max)} |`,
  ];
  return [
    `a room of ${result.messages ?? "earlier"} messages (ids up to ${result.newestId}, the oldest chat message kept ${result.oldestKeptId}), ${result.fillPerSec === null ? "filled by an earlier run" : `filled at ${result.fillPerSec.toFixed(0)} messages / s`}; ${result.queries} searches (${result.searchesWithResults} found something) and ${result.queries} history pages of 50, one at a time`,
    "",
    "| ms | p50 | p99 | max |",
    "|---|---:|---:|---:|",
    ...rows("search (20 results)", result.search),
    ...rows("history page (50 entries)", result.history),
    "",
    `slowest searches inside the room: ${result.slowestSearches.map((s) => `"${s.q}" ${s.roomMs} ms (${s.found} results)`).join(", ")}`,
  ];
}
