import ReconnectingWebSocket from "partysocket/ws";
import {
  ClientType,
  CloseCode,
  FINAL_CLOSE_CODES,
  parseClientFrame,
  parseServerData,
  type ServerFrame,
} from "../../protocol";
import { Heartbeat, type TimerClock } from "./heartbeat";

/** The longest wait between two reconnection attempts. */
export const MAX_RECONNECT_DELAY_MS = 2_000;

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
  /** v1.9: the socket's path, for a conversation (`/talk/<name>`); `/chat/<room>` when absent. */
  path?: string;
  /** A WebSocket class for runtimes without a global one that fits (the terminal client passes `ws`). */
  WebSocket?: unknown;
  /** Where the heartbeat's timers run; the runtime's own timers when absent. */
  clock?: TimerClock;
}

export interface JoinQuery {
  username: string;
  session: string;
  /** Resume after this id; 0 joins afresh. */
  since: number;
  epoch?: string | null;
  token?: string;
  path?: string;
}

/** The URL that joins `room`, resuming after `since` (in `epoch`) when it is set. */
export function joinUrl(origin: string, room: string, join: JoinQuery): string {
  const query = new URLSearchParams({ username: join.username, session: join.session });
  if (join.since > 0) {
    query.set("since", String(join.since));
    if (join.epoch) query.set("epoch", join.epoch);
  }
  if (join.token) query.set("token", join.token);
  return `${origin}${join.path ?? `/chat/${encodeURIComponent(room)}`}?${query}`;
}

/**
 * One room's socket, shared by the web app and the terminal client.
 * Reconnection with backoff is partysocket's; this adds the protocol's rules:
 * resume with `since` and `epoch`, the heartbeat (which notices a connection
 * that stopped answering), and stop on the close codes after which retrying
 * would be refused again.
 */
export class RoomConnection {
  readonly #socket: ReconnectingWebSocket;
  readonly #heartbeat: Heartbeat;
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
        ...(params.path ? { path: params.path } : {}),
      });
    // partysocket reports its own failures (refused, timed out) as a close with
    // code 1000, so 1000 means "left" only after this client asked to leave.
    const final = (code: number) => FINAL_CLOSE_CODES.has(code) || (code === CloseCode.normal && this.#leaving);
    // The backoff is capped low: a failed attempt costs one refused handshake, and
    // people expect the chat back within a couple of seconds of the server. Each
    // client's cap differs a little, so a restarted server is not hit in lockstep.
    this.#socket = new ReconnectingWebSocket(url, [], {
      minReconnectionDelay: 500 + Math.random() * 500,
      maxReconnectionDelay: MAX_RECONNECT_DELAY_MS - Math.random() * 500,
      reconnectionDelayGrowFactor: 1.6,
      shouldReconnectOnClose: (event: CloseEvent) => !final(event.code),
      ...(params.WebSocket ? { WebSocket: params.WebSocket } : {}),
    });
    // Silence after a ping: partysocket closes this socket and connects again,
    // and its close event reports "reconnecting".
    this.#heartbeat = new Heartbeat(
      () => this.sendRaw("ping"),
      () => this.#socket.reconnect(CloseCode.normal, "no answer to ping"),
      params.clock,
    );
    events.status("connecting", 0);
    this.#socket.addEventListener("open", () => {
      if (this.#closed) return;
      this.#heartbeat.start();
      events.status("open", 0);
    });
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      this.#heartbeat.heard();
      const data: unknown = event.data;
      if (this.#closed || typeof data !== "string") return;
      const frames = parseServerData(data);
      if (frames.length > 0) events.frames(frames);
    });
    this.#socket.addEventListener("close", (event: CloseEvent) => {
      this.#heartbeat.stop();
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
    this.#heartbeat.expectAnswer();
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

  /**
   * Starts the backoff over (the person asked, or the network came back): a
   * try already waiting goes when its wait ends, and the ones after it without delay.
   */
  reconnectNow(): void {
    if (this.#closed || this.isOpen) return;
    this.#socket.reconnect();
  }

  /**
   * Connects again at once as the same session, resuming where it was: after
   * signing in, the new join carries the account and the room upgrades the
   * member in place.
   */
  rejoin(): void {
    if (this.#closed) return;
    this.#socket.reconnect(CloseCode.normal, "signed in");
  }

  /**
   * Lets go of this socket without leaving: the person stays a member through
   * their other sockets in the room (a watched room, another tab), or for the
   * reconnect grace, so switching rooms tells nobody anything.
   */
  release(): void {
    this.#closed = true;
    this.#heartbeat.stop();
    this.#socket.close(CloseCode.normal, "switched");
  }

  /** Leaves on purpose: `quit` first, so the room says goodbye now rather than after the reconnect grace. */
  close(): void {
    if (this.isOpen) this.sendRaw("/quit");
    this.#closed = true;
    this.#heartbeat.stop();
    this.#socket.close(1000, "left");
  }
}
