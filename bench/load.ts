import * as hdr from "hdr-histogram-js";
import WebSocket from "ws";
import { LiveSocket } from "../src/client/cli/live-socket";

/**
 * Which server the load goes to: the chat room held by one object, the same
 * room spread over fan-out shards (its own server, with `SHARD_THRESHOLD`
 * set low), or the floor that only relays.
 */
export type Target = "room" | "sharded" | "floor";

/** Whether a target speaks the chat protocol (the room, one object or sharded) rather than the floor's bare relay. */
export function speaksChat(target: Target): boolean {
  return target !== "floor";
}

export interface Client {
  ws: WebSocket;
  /** Whether the server accepted permessage-deflate for this socket. */
  compressed: boolean;
  /** ms from the start of connecting until the room's history (or the floor's hello) arrived. */
  readyMs: number;
}

const MESSAGE = /"message":"(\d+):(\d+):([\d.]+)"/g;
/**
 * The room's history frame. It comes alone or right after `welcome` in one batch, so it
 * always starts within the first few hundred bytes of a message.
 */
const HISTORY_FRAME = '{"type":"history"';
const HEAD_BYTES = 1024;
const FLOOR = /^(\d+):(\d+):([\d.]+)$/;

/** Where each side listens: the app's worker, the floor's (`bench/floor`), and with `--shards` the sharded app's. */
export type Bases = { room: string; floor: string; sharded?: string };

/** The HTTP base of a side's server. */
export function baseOf(bases: Bases, target: Target): string {
  const base = bases[target];
  if (base === undefined) throw new Error(`no server for the ${target} side`);
  return base;
}

/** URL of one client's socket. */
export function socketUrl(bases: Bases, target: Target, room: string, i: number): string {
  const origin = baseOf(bases, target).replace(/^http/, "ws");
  return speaksChat(target)
    ? `${origin}/chat/${room}?username=c${i}&session=bench-session-${i}`
    : `${origin}/floor/${room}`;
}

/**
 * What a client offers. Browsers offer permessage-deflate on every socket and, once it is
 * accepted, compress every message they send, however small; `threshold: 0` does the same
 * (the ws default leaves messages under 1 KiB uncompressed). Without compression the
 * offer is left out, as in a client that cannot inflate.
 */
function socketOptions(compress: boolean): WebSocket.ClientOptions {
  return { perMessageDeflate: compress ? { threshold: 0 } : false };
}

/** Opens one client and resolves when it is ready: history received (room) or hello received (floor). */
export function openClient(url: string, target: Target, compress: boolean, timeoutMs = 60_000): Promise<Client> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A socket given up on (timed out, closed) counts nothing more.
    const ws = new LiveSocket(url, socketOptions(compress));
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      // Only the start of a frame is read: the generator must not pay for the size of what it waits for.
      const head = Buffer.isBuffer(data)
        ? data.subarray(0, HEAD_BYTES).toString()
        : data.toString().slice(0, HEAD_BYTES);
      const ready = speaksChat(target) ? head.includes(HISTORY_FRAME) : head === "ready";
      if (!ready) return;
      clearTimeout(timer);
      ws.off("message", onMessage);
      resolve({ ws, compressed: ws.extensions.includes("permessage-deflate"), readyMs: performance.now() - started });
    };
    ws.on("message", onMessage);
    ws.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Opens `count` clients, `concurrency` at a time; returns them and how long it took for all to be ready. */
export async function openMany(
  bases: Bases,
  target: Target,
  room: string,
  count: number,
  concurrency: number,
  compress: boolean,
  timeoutMs?: number,
): Promise<{ clients: Client[]; allReadyMs: number }> {
  const started = performance.now();
  const clients: Client[] = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      clients[i] = await openClient(socketUrl(bases, target, room, i), target, compress, timeoutMs);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { clients, allReadyMs: performance.now() - started };
}

export function closeAll(clients: Client[]): Promise<void> {
  return Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once("close", () => resolve());
          c.ws.close(1000);
          setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 3000).unref();
        }),
    ),
  ).then(() => undefined);
}

export interface ThroughputResult {
  /** Messages sent from the first to the last, warm-up included. */
  sentTotal: number;
  /** Copies received from the first send until deliveries stopped, warm-up included. */
  receivedTotal: number;
  sentPerSec: number;
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  deliveryRatio: number;
  /** Average number of messages per WebSocket frame received (1 for the floor). */
  messagesPerFrame: number;
}

/**
 * Closed-loop load: each of the first `senders` clients sends a message and
 * waits for its own copy to come back before sending the next. Every client
 * counts what it receives; latency is the sender's timestamp to each
 * receipt. Only messages sent inside the measured window count.
 */
export async function closedLoop(
  clients: Client[],
  target: Target,
  senders: number,
  warmupMs: number,
  measureMs: number,
): Promise<ThroughputResult> {
  const latency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const t0 = performance.now();
  const windowStart = t0 + warmupMs;
  const windowEnd = windowStart + measureMs;
  let sentInWindow = 0;
  let deliveredInWindow = 0;
  let frames = 0;
  let messages = 0;
  let running = true;
  const seqs = new Array(senders).fill(0);

  const send = (i: number) => {
    if (!running) return;
    const ts = performance.now();
    const seq = ++seqs[i];
    if (ts >= windowStart && ts < windowEnd) sentInWindow++;
    const body = `${i}:${seq}:${ts.toFixed(3)}`;
    clients[i]?.ws.send(
      speaksChat(target) ? JSON.stringify({ type: "chatMessage", payload: { message: body } }) : body,
    );
  };

  const onDelivery = (receiver: number, sender: number, seq: number, ts: number, now: number) => {
    messages++;
    if (ts >= windowStart && ts < windowEnd) {
      deliveredInWindow++;
      // Microseconds: loopback latencies in a quiet room are under a millisecond.
      latency.recordValue(Math.max(1, Math.round((now - ts) * 1000)));
    }
    if (receiver === sender && seq === seqs[sender]) send(sender);
  };

  clients.forEach((client, receiver) => {
    client.ws.on("message", (data: WebSocket.RawData) => {
      const now = performance.now();
      const text = data.toString();
      frames++;
      if (!speaksChat(target)) {
        const m = FLOOR.exec(text);
        if (m) onDelivery(receiver, Number(m[1]), Number(m[2]), Number(m[3]), now);
        return;
      }
      for (const m of text.matchAll(MESSAGE)) onDelivery(receiver, Number(m[1]), Number(m[2]), Number(m[3]), now);
    });
  });

  for (let i = 0; i < senders; i++) send(i);
  await new Promise((r) => setTimeout(r, warmupMs + measureMs));
  running = false;
  // Let what was sent in the window arrive: wait until deliveries stop (at most 30 s).
  for (let waited = 0, last = -1; waited < 30_000 && messages !== last; waited += 1000) {
    last = messages;
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const c of clients) c.ws.removeAllListeners("message");

  const expected = sentInWindow * clients.length;
  return {
    sentTotal: seqs.reduce((sum, n) => sum + n, 0),
    receivedTotal: messages,
    sentPerSec: sentInWindow / (measureMs / 1000),
    deliveredPerSec: deliveredInWindow / (measureMs / 1000),
    p50Ms: latency.getValueAtPercentile(50) / 1000,
    p99Ms: latency.getValueAtPercentile(99) / 1000,
    deliveryRatio: expected === 0 ? 0 : deliveredInWindow / expected,
    messagesPerFrame: frames === 0 ? 0 : messages / frames,
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
