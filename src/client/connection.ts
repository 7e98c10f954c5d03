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
const HEARTBEAT_MS = 25_000;

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
  /** A ticket from the matchmaker, for a private stranger room. */
  token?: string;
  /** A WebSocket class for runtimes without a global one that fits (the terminal client passes `ws`). */
  WebSocket?: unknown;
}

/** The URL that joins `room`, resuming after `since` when it is set. */
export function joinUrl(
  origin: string,
  room: string,
  username: string,
  session: string,
  since: number,
  token?: string,
): string {
  const query = new URLSearchParams({ username, session });
  if (since > 0) query.set("since", String(since));
  if (token) query.set("token", token);
  return `${origin}/chat/${encodeURIComponent(room)}?${query}`;
}

/**
 * One room's socket, shared by the web app and the terminal client.
 * Reconnection with backoff is partysocket's; this adds the protocol's rules:
 * resume with `since`, heartbeat while open, and stop on the close codes after
 * which retrying would be refused again.
 */
export class RoomConnection {
  readonly #socket: ReconnectingWebSocket;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Set once this client sent `quit`: the server's 1000 then ends the visit. */
  #leaving = false;

  constructor(params: JoinParams, events: ConnectionEvents) {
    const url = () =>
      joinUrl(params.origin, params.room, params.username(), params.session, params.since(), params.token);
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
      events.status("open", 0);
      clearInterval(this.#heartbeat);
      this.#heartbeat = setInterval(() => this.sendRaw("ping"), HEARTBEAT_MS);
    });
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data !== "string") return;
      const frames = parseServerData(data);
      if (frames.length > 0) events.frames(frames);
    });
    this.#socket.addEventListener("close", (event: CloseEvent) => {
      clearInterval(this.#heartbeat);
      if (final(event.code)) {
        events.ended(event.code, event.reason);
      } else {
        events.status("reconnecting", this.#socket.retryCount + 1);
      }
    });
  }

  get isOpen(): boolean {
    return this.#socket.readyState === 1;
  }

  /** Sends a frame; false when the socket is not open (the caller keeps the text). */
  send(frame: object): boolean {
    return this.sendRaw(JSON.stringify(frame));
  }

  /** Sends text as is: a typed line, or an encoded frame. */
  sendRaw(text: string): boolean {
    if (!this.isOpen) return false;
    const parsed = parseClientFrame(text);
    if (parsed.ok && parsed.frame.type === ClientType.quit) this.#leaving = true;
    this.#socket.send(text);
    return true;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.#socket.close(1000, "left");
  }
}
