import ReconnectingWebSocket from "partysocket/ws";
import { FINAL_CLOSE_CODES, parseServerData, type ServerFrame } from "../protocol";

/** How often an open tab sends the `ping` heartbeat; well inside the idle timeout. */
const HEARTBEAT_MS = 25_000;

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface ConnectionEvents {
  frames(frames: ServerFrame[]): void;
  status(status: ConnectionStatus, attempt: number): void;
  /** The server closed for good (quit, kicked, banned, refused); no reconnect follows. */
  ended(code: number, reason: string): void;
}

export interface JoinParams {
  room: string;
  username: () => string;
  session: string;
  /** The last message id seen, so a reconnect resumes without gaps or repeats. */
  since: () => number;
}

/**
 * One room's socket. Reconnection with backoff is partysocket's; this adds the
 * protocol's rules: resume with `since`, heartbeat while open, and stop on the
 * close codes after which retrying would be refused again.
 */
export class RoomConnection {
  readonly #socket: ReconnectingWebSocket;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(params: JoinParams, events: ConnectionEvents) {
    const url = () => {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const query = new URLSearchParams({ username: params.username(), session: params.session });
      const since = params.since();
      if (since > 0) query.set("since", String(since));
      return `${scheme}//${location.host}/chat/${encodeURIComponent(params.room)}?${query}`;
    };
    this.#socket = new ReconnectingWebSocket(url, [], {
      minReconnectionDelay: 500 + Math.random() * 500,
      maxReconnectionDelay: 15_000,
      reconnectionDelayGrowFactor: 1.6,
    });
    events.status("connecting", 0);
    this.#socket.addEventListener("open", () => {
      events.status("open", 0);
      clearInterval(this.#heartbeat);
      this.#heartbeat = setInterval(() => this.sendRaw("ping"), HEARTBEAT_MS);
    });
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      if (typeof event.data !== "string") return;
      const frames = parseServerData(event.data);
      if (frames.length > 0) events.frames(frames);
    });
    this.#socket.addEventListener("close", (event: CloseEvent) => {
      clearInterval(this.#heartbeat);
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.#socket.close();
        events.ended(event.code, event.reason);
      } else {
        events.status("reconnecting", this.#socket.retryCount + 1);
      }
    });
  }

  /** Sends a frame; false when the socket is not open (the caller keeps the text). */
  send(frame: object): boolean {
    return this.sendRaw(JSON.stringify(frame));
  }

  /** Sends a typed line as is: commands are parsed by the server. */
  sendRaw(text: string): boolean {
    if (this.#socket.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(text);
    return true;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.#socket.close(1000, "left");
  }
}
