import type WebSocket from "ws";
import { LiveSocket } from "../src/client/cli/live-socket";
import {
  ClientType,
  parseHistoryPage,
  parseServerData,
  type ReplayFrame,
  type ServerFrame,
  ServerType,
  SystemEvent,
} from "../src/protocol";

/**
 * One client of the chaos run: it chats with `clientId`s, and when its socket
 * is killed it reconnects with its session, `since` and `epoch`, fills any gap
 * with `after=`, and resends whatever was not acked. It is deliberately
 * minimal and written against the wire protocol alone, so what it proves is
 * the server's guarantee, not a client's.
 *
 * It counts what it is shown the way a browser would show it: only frames of
 * its live connection. A socket it dropped hands on nothing more (LiveSocket),
 * and frames of an old connection still being read (a replay waiting on a gap
 * page) are dropped once another connection has taken over. So every id seen
 * twice is one a client would show twice, and none is hidden by removing doubles.
 */

interface PendingSend {
  clientId: string;
  text: string;
}

/** Where a sighting came from: the connection's number and how the id came (live, replay, page). */
type Sighting = string;

export interface ChaosClientOptions {
  /** The pause before reconnecting after a drop, in ms; random between the two. */
  reconnectDelayMs?: readonly [number, number];
}

export class ChaosClient {
  readonly name: string;
  readonly session: string;
  ws: WebSocket | null = null;
  welcomed = false;
  epoch: string | undefined;
  lastId = 0;
  /** Each message id, with every time it was shown: which connection, and how. */
  readonly seen = new Map<number, Sighting[]>();
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
  /** Counts connections, to say which one showed an id. */
  #connection = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closedByUs = false;
  #holdUntil = 0;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #reconnectDelayMs: readonly [number, number];

  constructor(
    readonly base: string,
    readonly room: string,
    index: number,
    readonly report: (line: string) => void,
    options: ChaosClientOptions = {},
  ) {
    this.name = `chaos${index}`;
    this.session = `chaos-session-${index}-${Date.now().toString(36)}`;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? [100, 500];
  }

  /** The ids shown more than once, each with where it was shown. */
  get doubles(): string[] {
    return [...this.seen].filter(([, where]) => where.length > 1).map(([id, where]) => `${id} (${where.join(", ")})`);
  }

  connect(): void {
    this.#closedByUs = false;
    const query = new URLSearchParams({ username: this.name, session: this.session });
    if (this.lastId > 0) query.set("since", String(this.lastId));
    if (this.epoch) query.set("epoch", this.epoch);
    const ws = new LiveSocket(`${this.base.replace(/^http/, "ws")}/chat/${this.room}?${query}`, {
      perMessageDeflate: { threshold: 0 },
    });
    const connection = ++this.#connection;
    this.ws = ws;
    this.welcomed = false;
    // One connection's frames are handled in order, a gap page included, and never after it was dropped.
    let reading = Promise.resolve();
    ws.on("message", (data) => {
      reading = reading
        .then(() => this.#onData(ws, connection, String(data)))
        .catch((error: unknown) => {
          this.report(`${this.name}: ${error instanceof Error ? error.message : String(error)}; reconnecting`);
          if (this.ws === ws) this.drop();
        });
    });
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
    const [least, most] = this.#reconnectDelayMs;
    this.#retryTimer = setTimeout(
      () => {
        this.reconnects++;
        this.connect();
      },
      least + Math.random() * (most - least),
    );
  }

  send(clientId: string, text: string): void {
    this.pending.set(clientId, { clientId, text });
    this.#transmit(clientId, text);
  }

  #transmit(clientId: string, text: string): void {
    if (Date.now() < this.#holdUntil) return;
    if (!this.welcomed || !this.ws || this.ws.readyState !== LiveSocket.OPEN) return;
    this.ws.send(JSON.stringify({ type: ClientType.chatMessage, payload: { message: text, clientId } }));
  }

  /** Sends again everything not acked, with the same clientIds. */
  resendPending(): void {
    for (const { clientId, text } of this.pending.values()) this.#transmit(clientId, text);
  }

  #count(id: number, where: Sighting): void {
    this.seen.set(id, [...(this.seen.get(id) ?? []), where]);
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

  #entry(entry: ReplayFrame, where: Sighting): void {
    this.#count(entry.payload.id, where);
    if (entry.type === ServerType.system) this.#presence(entry);
  }

  async #onData(ws: WebSocket, connection: number, data: string): Promise<void> {
    for (const frame of parseServerData(data)) {
      // Another connection took over while this one's frames waited: what is left is not shown.
      if (this.ws !== ws) return;
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
          if (truncated && since > 0 && first !== undefined) {
            if (!(await this.#fillGap(ws, connection, since, first))) return;
          }
          for (const m of messages) this.#entry(m, `#${connection} replay`);
          this.welcomed = true;
          this.resendPending();
          break;
        }
        case ServerType.chatMessage:
        case ServerType.dm:
          this.#count(frame.payload.id, `#${connection} live`);
          break;
        case ServerType.system:
          this.#entry(frame, `#${connection} live`);
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

  /**
   * Loads what a truncated resume left out, through the history API, oldest
   * first; false when the connection was dropped meanwhile (its replay is then
   * not shown, and the next connection resumes from what was).
   */
  async #fillGap(ws: WebSocket, connection: number, after: number, before: number): Promise<boolean> {
    let cursor = after;
    for (let page = 0; page < 100; page++) {
      const res = await fetch(`${this.base}/api/rooms/${this.room}/history?after=${cursor}&limit=100`);
      const body = parseHistoryPage(await res.json());
      if (this.ws !== ws) return false;
      if (!body) throw new Error(`history page after ${cursor} could not be read (HTTP ${res.status})`);
      for (const m of body.messages) {
        if (m.payload.id >= before) return true;
        this.#entry(m, `#${connection} page`);
        cursor = m.payload.id;
      }
      this.gapsFilled++;
      if (!body.hasMore || body.messages.length === 0) return true;
    }
    return true;
  }
}
