import WebSocket from "ws";
import {
  ClientType,
  type HistoryFrame,
  parseServerData,
  type ServerFrame,
  ServerType,
  SystemEvent,
} from "../src/protocol";
import { type DevServer, startDevServer } from "./dev-server";

/**
 * The chaos run: several clients chat with `clientId`s while their sockets
 * are killed at random (terminated, no close frame) and the server itself is
 * restarted. Each client reconnects with its session, `since` and `epoch`,
 * fills any gap with `after=`, and resends whatever was not acked. At the end
 * the run checks the promise the protocol makes: every send has exactly one
 * id, every client saw every acked message exactly once, the stored history
 * holds each message once, and quick reconnects made no presence noise.
 *
 * A client here is deliberately minimal and written against the wire
 * protocol alone, so what it proves is the server's guarantee, not a client's.
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
  /** Broken promises, one line each; empty when all held. */
  violations: string[];
  seconds: number;
}

/** The grace the run's server uses: longer than a restart, so a restart is a quick reconnect. */
const GRACE_SECONDS = 60;

type Frames = ServerFrame[];

interface PendingSend {
  clientId: string;
  text: string;
}

class ChaosClient {
  readonly name: string;
  readonly session: string;
  ws: WebSocket | null = null;
  welcomed = false;
  epoch: string | undefined;
  lastId = 0;
  /** How many times each message id arrived: live, replayed or paged in. */
  readonly seen = new Map<number, number>();
  /** Sends not acked yet, in the order they were first made. */
  readonly pending = new Map<string, PendingSend>();
  /** clientId to the ids its acks named. */
  readonly acks = new Map<string, Set<number>>();
  /** Presence notices after this client's own first join. */
  readonly noise: string[] = [];
  joinedOnce = false;
  reconnects = 0;
  duplicateAcks = 0;
  rateLimited = 0;
  gapsFilled = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closedByUs = false;
  #holdUntil = 0;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly base: string,
    readonly room: string,
    index: number,
    readonly report: (line: string) => void,
  ) {
    this.name = `chaos${index}`;
    this.session = `chaos-session-${index}-${Date.now().toString(36)}`;
  }

  connect(): void {
    this.#closedByUs = false;
    const query = new URLSearchParams({ username: this.name, session: this.session });
    if (this.lastId > 0) query.set("since", String(this.lastId));
    if (this.epoch) query.set("epoch", this.epoch);
    const ws = new WebSocket(`${this.base.replace(/^http/, "ws")}/chat/${this.room}?${query}`, {
      perMessageDeflate: { threshold: 0 },
    });
    this.ws = ws;
    this.welcomed = false;
    ws.on("message", (data) => void this.#onData(String(data)));
    ws.on("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      if (!this.#closedByUs) this.#reconnectSoon();
    });
    ws.on("error", () => {
      // The close that follows reconnects.
    });
  }

  /** Kills the socket without a close frame, as a lost network does, and comes back quickly. */
  drop(): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.welcomed = false;
    ws.terminate();
    this.#reconnectSoon();
  }

  stop(): void {
    this.#closedByUs = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#holdTimer);
    this.ws?.close(1000);
    this.ws = null;
  }

  #reconnectSoon(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(
      () => {
        this.reconnects++;
        this.connect();
      },
      100 + Math.random() * 400,
    );
  }

  send(clientId: string, text: string): void {
    this.pending.set(clientId, { clientId, text });
    this.#transmit(clientId, text);
  }

  #transmit(clientId: string, text: string): void {
    if (Date.now() < this.#holdUntil) return;
    if (!this.welcomed || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ type: ClientType.chatMessage, payload: { message: text, clientId } }));
  }

  /** Sends again everything not acked, with the same clientIds. */
  resendPending(): void {
    for (const { clientId, text } of this.pending.values()) this.#transmit(clientId, text);
  }

  #count(id: number): void {
    this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    if (id > this.lastId) this.lastId = id;
  }

  #presence(frame: Extract<ServerFrame, { type: "system" }>): void {
    const { event, username } = frame.payload;
    if (event !== SystemEvent.join && event !== SystemEvent.leave) return;
    if (event === SystemEvent.join && username === this.name && !this.joinedOnce) {
      this.joinedOnce = true;
      return;
    }
    if (this.joinedOnce) this.noise.push(`${event}:${username}`);
  }

  async #onData(data: string): Promise<void> {
    const frames: Frames = parseServerData(data);
    for (const frame of frames) {
      switch (frame.type) {
        case ServerType.welcome:
          if (this.epoch && this.epoch !== frame.payload.epoch) this.report(`${this.name}: epoch changed`);
          this.epoch = frame.payload.epoch;
          break;
        case ServerType.history: {
          const { messages, truncated, reset } = frame.payload;
          if (reset) this.report(`${this.name}: history reset`);
          const since = this.lastId;
          const first = messages[0]?.payload.id;
          if (truncated && since > 0 && first !== undefined) await this.#fillGap(since, first);
          for (const m of messages) {
            this.#count(m.payload.id);
            if (m.type === ServerType.system) this.#presence(m);
          }
          this.welcomed = true;
          this.resendPending();
          break;
        }
        case ServerType.chatMessage:
        case ServerType.dm:
          this.#count(frame.payload.id);
          break;
        case ServerType.system:
          this.#count(frame.payload.id);
          this.#presence(frame);
          break;
        case ServerType.ack: {
          const { clientId, id, duplicate } = frame.payload;
          const ids = this.acks.get(clientId) ?? new Set<number>();
          ids.add(id);
          this.acks.set(clientId, ids);
          if (duplicate) this.duplicateAcks++;
          this.pending.delete(clientId);
          break;
        }
        case ServerType.error:
          if (frame.payload.code === "rate_limited" && frame.payload.clientId) {
            this.rateLimited++;
            // Hold everything until the limit allows, then resend what is pending, in order.
            this.#holdUntil = Date.now() + (frame.payload.retryAfterMs ?? 500);
            clearTimeout(this.#holdTimer);
            this.#holdTimer = setTimeout(() => this.resendPending(), this.#holdUntil - Date.now());
          } else {
            this.report(`${this.name}: error ${frame.payload.code}: ${frame.payload.message}`);
          }
          break;
        default:
          break;
      }
    }
  }

  /** Loads what a truncated resume left out, through the history API, oldest first. */
  async #fillGap(after: number, before: number): Promise<void> {
    let cursor = after;
    for (let page = 0; page < 100; page++) {
      const res = await fetch(`${this.base}/api/rooms/${this.room}/history?after=${cursor}&limit=100`);
      const body = (await res.json()) as { messages: HistoryFrame[]; hasMore: boolean };
      for (const m of body.messages) {
        if (m.payload.id >= before) return;
        this.#count(m.payload.id);
        if (m.type === ServerType.system) this.#presence(m);
        cursor = m.payload.id;
      }
      this.gapsFilled++;
      if (!body.hasMore || body.messages.length === 0) return;
    }
  }
}

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
    const body = (await res.json()) as { messages: HistoryFrame[]; hasMore: boolean };
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
  };
  let server: DevServer = await startDevServer({ vars });
  const { port, persistDir, url } = server;
  const room = `chaos-${Date.now().toString(36)}`;
  const clients = Array.from({ length: options.clients }, (_, i) => new ChaosClient(url, room, i, log));
  let drops = 0;
  let restarts = 0;
  try {
    for (const c of clients) c.connect();
    if (!(await until(() => clients.every((c) => c.welcomed), 20_000))) throw new Error("clients did not join");
    // Everyone's first join notice is not noise; let them all arrive, then start counting.
    await sleep(500);
    for (const c of clients) c.noise.length = 0;

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
      await sleep(options.sendEveryMs);
    }

    // Everything typed must be acked, then seen by everyone.
    const allAcked = await until(() => clients.every((c) => c.pending.size === 0), 60_000);
    const ackedIds = new Set<number>();
    for (const c of clients) for (const ids of c.acks.values()) for (const id of ids) ackedIds.add(id);
    const allSeen = await until(() => clients.every((c) => [...ackedIds].every((id) => c.seen.has(id))), 30_000);

    const violations: string[] = [];
    if (!allAcked) {
      for (const c of clients)
        if (c.pending.size > 0) violations.push(`${c.name}: ${c.pending.size} sends never acked`);
    }
    for (const c of clients) {
      for (const [clientId, ids] of c.acks) {
        if (ids.size !== 1) violations.push(`${c.name}: ${clientId} was acked with ids ${[...ids].join(", ")}`);
      }
      if (!allSeen) {
        const missing = [...ackedIds].filter((id) => !c.seen.has(id));
        if (missing.length > 0) violations.push(`${c.name}: never saw ${missing.length} acked messages`);
      }
      const twice = [...c.seen].filter(([, n]) => n > 1).map(([id]) => id);
      if (twice.length > 0) violations.push(`${c.name}: saw ids ${twice.slice(0, 10).join(", ")} more than once`);
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
      reconnects: clients.reduce((n, c) => n + c.reconnects, 0),
      gapsFilled: clients.reduce((n, c) => n + c.gapsFilled, 0),
      rateLimited: clients.reduce((n, c) => n + c.rateLimited, 0),
      violations,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    for (const c of clients) c.stop();
    await server.stop();
  }
}
