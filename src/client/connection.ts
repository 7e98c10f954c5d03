import ReconnectingWebSocket from "partysocket/ws";
import {
  ClientType,
  CloseCode,
  FINAL_CLOSE_CODES,
  parseClientFrame,
  parseServerData,
  type ServerFrame,
} from "../protocol";

/** How often an open connection sends the `ping` heartbeat; well inside the idle timeout. */
export const HEARTBEAT_MS = 25_000;
/** How long a `ping` may go unanswered (by `pong` or any other frame) before the connection counts as lost. */
export const PONG_DEADLINE_MS = 5_000;
/**
 * How long the line may stay silent after a message was sent before a `ping`
 * checks it. An ack normally comes within milliseconds; waiting for the next
 * heartbeat would leave a message on a dead connection for up to half a minute.
 */
export const QUIET_AFTER_SEND_MS = 3_000;

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface ConnectionEvents {
  frames(frames: ServerFrame[]): void;
  status(status: ConnectionStatus, attempt: number): void;
  /** The server closed for good (quit, kicked, banned, refused); no reconnect follows. */
  ended(code: number, reason: string): void;
}

export interface JoinParams {
  /** The `ws:`/`wss:` origin to connect to, such as `ws://localhost:8787`. */
  origin: string;
  room: string;
  username: () => string;
  session: string;
  /** The last message id seen, so a reconnect resumes without gaps or repeats. */
  since: () => number;
  /** The history epoch from the last welcome: the room says `reset` when `since` means nothing any more. */
  epoch: () => string | null;
  /** A ticket from the matchmaker, for a private stranger room. */
  token?: string;
  /** A WebSocket class for runtimes without a global one that fits (the terminal client passes `ws`). */
  WebSocket?: unknown;
}

export interface JoinQuery {
  username: string;
  session: string;
  /** Resume after this id; 0 joins afresh. */
  since: number;
  epoch?: string | null;
  token?: string;
}

/** The URL that joins `room`, resuming after `since` (in `epoch`) when it is set. */
export function joinUrl(origin: string, room: string, join: JoinQuery): string {
  const query = new URLSearchParams({ username: join.username, session: join.session });
  if (join.since > 0) {
    query.set("since", String(join.since));
    if (join.epoch) query.set("epoch", join.epoch);
  }
  if (join.token) query.set("token", join.token);
  return `${origin}/chat/${encodeURIComponent(room)}?${query}`;
}

/**
 * One room's socket, shared by the web app and the terminal client.
 * Reconnection with backoff is partysocket's; this adds the protocol's rules:
 * resume with `since` and `epoch`, heartbeat while open, notice a connection
 * that stopped answering, and stop on the close codes after which retrying
 * would be refused again.
 */
export class RoomConnection {
  readonly #socket: ReconnectingWebSocket;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Set while a ping waits for its answer. */
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** Set while a sent message waits to hear anything back. */
  #probe: ReturnType<typeof setTimeout> | undefined;
  /** Counts incoming messages of any kind: a ping is answered when this moves. */
  #heard = 0;
  /** `#heard` when the probe's send went out. */
  #probeHeard = 0;
  /** Set once this client sent `quit`: the server's 1000 then ends the visit. */
  #leaving = false;
  /** Set by close(): the app is done with this connection and wants no more events. */
  #closed = false;

  constructor(params: JoinParams, events: ConnectionEvents) {
    const url = () =>
      joinUrl(params.origin, params.room, {
        username: params.username(),
        session: params.session,
        since: params.since(),
        epoch: params.epoch(),
        ...(params.token ? { token: params.token } : {}),
      });
    // partysocket reports its own failures (refused, timed out) as a close with
    // code 1000, so 1000 means "left" only after this client asked to leave.
    const final = (code: number) => FINAL_CLOSE_CODES.has(code) || (code === CloseCode.normal && this.#leaving);
    this.#socket = new ReconnectingWebSocket(url, [], {
      minReconnectionDelay: 500 + Math.random() * 500,
      maxReconnectionDelay: 15_000,
      reconnectionDelayGrowFactor: 1.6,
      shouldReconnectOnClose: (event: CloseEvent) => !final(event.code),
      ...(params.WebSocket ? { WebSocket: params.WebSocket } : {}),
    });
    events.status("connecting", 0);
    this.#socket.addEventListener("open", () => {
      if (this.#closed) return;
      this.#stopTimers();
      this.#heartbeat = setInterval(() => this.#ping(), HEARTBEAT_MS);
      events.status("open", 0);
    });
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      this.#heard++;
      const data: unknown = event.data;
      if (this.#closed || typeof data !== "string") return;
      const frames = parseServerData(data);
      if (frames.length > 0) events.frames(frames);
    });
    this.#socket.addEventListener("close", (event: CloseEvent) => {
      this.#stopTimers();
      if (this.#closed) return;
      if (final(event.code)) {
        events.ended(event.code, event.reason);
      } else {
        events.status("reconnecting", this.#socket.retryCount + 1);
      }
    });
  }

  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === 1;
  }

  /** Sends a frame; false when the socket is not open (the caller keeps it). */
  send(frame: object): boolean {
    return this.sendRaw(JSON.stringify(frame));
  }

  /**
   * Sends a chat message or DM and watches for an answer: if the line stays
   * silent, a ping finds out whether the connection is still there.
   */
  sendMessage(frame: object): boolean {
    if (!this.send(frame)) return false;
    // A probe already waiting on an earlier send that got no answer either is the sooner one; keep it.
    if (this.#probe === undefined || this.#heard !== this.#probeHeard) {
      clearTimeout(this.#probe);
      this.#probeHeard = this.#heard;
      this.#probe = setTimeout(() => {
        this.#probe = undefined;
        if (this.#heard === this.#probeHeard) this.#ping();
      }, QUIET_AFTER_SEND_MS);
    }
    return true;
  }

  /** Sends text as is: a typed line, or an encoded frame. */
  sendRaw(text: string): boolean {
    if (!this.isOpen) return false;
    const parsed = parseClientFrame(text);
    if (parsed.ok && parsed.frame.type === ClientType.quit) this.#leaving = true;
    this.#socket.send(text);
    return true;
  }

  /** Leaves on purpose: `quit` first, so the room says goodbye now rather than after the reconnect grace. */
  close(): void {
    if (this.isOpen) this.sendRaw("/quit");
    this.#closed = true;
    this.#stopTimers();
    this.#socket.close(1000, "left");
  }

  /** Sends the heartbeat; silence until the deadline means the connection is gone. */
  #ping(): void {
    if (!this.isOpen || this.#deadline !== undefined) return;
    const heard = this.#heard;
    this.#socket.send("ping");
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      if (this.#heard === heard) this.#lost();
    }, PONG_DEADLINE_MS);
  }

  /**
   * The connection is open as far as the browser knows, but nothing answers
   * (a frozen server, a network that dropped without a close). Say so and
   * start over: partysocket closes this socket and connects again, and its
   * close event reports "reconnecting".
   */
  #lost(): void {
    if (this.#closed) return;
    this.#stopTimers();
    this.#socket.reconnect(CloseCode.normal, "no answer to ping");
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#deadline);
    clearTimeout(this.#probe);
    this.#heartbeat = undefined;
    this.#deadline = undefined;
    this.#probe = undefined;
  }
}
