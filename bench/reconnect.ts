import type WebSocket from "ws";
import { PEOPLE_LISTED } from "../src/client/core/model";
import { cpuBetween, cpuNow, type Process } from "./cpu";
import { type Bases, type Client, closeAll, openClient, openMany, socketUrl } from "./load";

/**
 * A crowd coming back at once, as after a restart or a network blip: every
 * client of a full room drops without a word (the room keeps each one away
 * for the reconnect grace), then all reconnect together under their sessions,
 * and each asks for `users` on its welcome, as the web app does (the
 * longest-connected `PEOPLE_LISTED`). What the
 * room spends on that is what a restart costs it; the same storm with nobody
 * asking tells how much of it is the people list.
 */

/** What the web app sends on its welcome. */
const USERS = JSON.stringify({ type: "users", payload: { limit: PEOPLE_LISTED } });
/** How a `users` reply starts, wherever it lies in a message (alone, or in a batch after other frames). */
const USERS_FRAME = '{"type":"users"';

export interface ReconnectStorm {
  /** From the first reconnect until the last client had what it waited for. */
  ms: number;
  cpu: Partial<Record<Process, number>>;
  /** The `users` replies' size, inflated, per client that asked, in KiB; 0 when nobody asked. */
  usersKiB: number;
}

function sizeOf(data: WebSocket.RawData): number {
  if (Buffer.isBuffer(data)) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((sum, b) => sum + b.byteLength, 0);
  return data.byteLength;
}

/** Resolves with the size of the message that brings the `users` reply. */
function usersReply(ws: WebSocket, timeoutMs = 120_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no users reply within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      // Searched in the buffer as it came: turning each list into a string would charge the load generator for its size.
      const found = Buffer.isBuffer(data) ? data.includes(USERS_FRAME) : data.toString().includes(USERS_FRAME);
      if (!found) return;
      clearTimeout(timer);
      ws.off("message", onMessage);
      resolve(sizeOf(data));
    };
    ws.on("message", onMessage);
  });
}

/** One client coming back: once it has its history, and with `ask`, the `users` reply it then asked for. */
async function comeBack(url: string, compress: boolean, ask: boolean): Promise<Client & { usersBytes: number }> {
  const client = await openClient(url, "room", compress, 120_000);
  if (!ask) return { ...client, usersBytes: 0 };
  // The web app asks on its welcome, which arrives with the history.
  client.ws.send(USERS);
  return { ...client, usersBytes: await usersReply(client.ws) };
}

/** Resolves once the server's processes have used less than `idleMs` of CPU over half a second (at most `maxMs`). */
async function quiet(group: number | undefined, idleMs = 25, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const before = cpuNow(group);
    await new Promise((r) => setTimeout(r, 500));
    const spent = cpuBetween(before, cpuNow(group));
    if ((spent.worker ?? 0) + (spent.proxy ?? 0) < idleMs) return;
  }
}

/**
 * Fills a room with `count` clients, then, once per entry of `asks`, drops
 * them all and brings them back at once (asking for `users` or not), and
 * measures each storm. The room's reconnect grace must outlast a round.
 */
export async function reconnectStorms(
  bases: Bases,
  room: string,
  count: number,
  asks: readonly boolean[],
  compress: boolean,
  group: number | undefined,
): Promise<ReconnectStorm[]> {
  let { clients } = await openMany(bases, "room", room, count, 50, compress);
  const storms: ReconnectStorm[] = [];
  try {
    for (const ask of asks) {
      for (const c of clients) c.ws.terminate();
      // The room marks each one away as its socket closes; that is not part of coming back.
      await quiet(group);
      const before = cpuNow(group);
      const started = performance.now();
      const back = await Promise.all(
        Array.from({ length: count }, (_, i) => comeBack(socketUrl(bases, "room", room, i), compress, ask)),
      );
      const ms = performance.now() - started;
      const cpu = cpuBetween(before, cpuNow(group));
      const usersKiB = ask ? back.reduce((sum, c) => sum + c.usersBytes, 0) / count / 1024 : 0;
      storms.push({ ms, cpu, usersKiB });
      clients = back;
      await quiet(group);
    }
  } finally {
    for (const c of clients)
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify({ type: "quit", payload: {} }));
    await closeAll(clients);
  }
  return storms;
}
