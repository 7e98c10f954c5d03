import ReconnectingWebSocket from "partysocket/ws";
import { CloseCode, type MatchServerPayloads, MatchType, parseMatchServerData } from "../protocol";
import { Heartbeat } from "./heartbeat";

export interface MatchEvents {
  waiting(position: number, waiting: number): void;
  matched(match: MatchServerPayloads["matchFound"]): void;
  error(code: string, message: string): void;
}

/**
 * The line to the stranger matchmaker, shared by the web app and the terminal
 * client. It stays open while the person chats, so "next" queues again at
 * once, and after a dropped connection it queues again by itself. The
 * heartbeat keeps a waiting person in the line (the matchmaker drops
 * silent ones) and notices a matchmaker that stopped answering.
 */
export class MatchConnection {
  readonly #socket: ReconnectingWebSocket;
  readonly #heartbeat: Heartbeat;
  #wantsQueue = false;

  constructor(
    origin: string,
    params: { username: string; session: string },
    private readonly interests: { tags: string[]; wants: string[] },
    events: MatchEvents,
    /** A WebSocket class where the global one does not fit (the terminal client passes `ws`). */
    WebSocketClass?: unknown,
  ) {
    const query = new URLSearchParams(params);
    this.#socket = new ReconnectingWebSocket(`${origin}/match?${query}`, [], {
      maxReconnectionDelay: 10_000,
      ...(WebSocketClass ? { WebSocket: WebSocketClass } : {}),
    });
    this.#heartbeat = new Heartbeat(
      () => this.#socket.readyState === 1 && this.#socket.send("ping"),
      () => this.#socket.reconnect(CloseCode.normal, "no answer to ping"),
    );
    this.#socket.addEventListener("open", () => {
      this.#heartbeat.start();
      if (this.#wantsQueue) this.#send();
    });
    this.#socket.addEventListener("close", () => this.#heartbeat.stop());
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      this.#heartbeat.heard();
      const frame = parseMatchServerData(String(event.data));
      if (!frame) return;
      switch (frame.type) {
        case MatchType.queueJoined:
          events.waiting(frame.payload.position, frame.payload.waiting);
          return;
        case MatchType.matchFound:
          this.#wantsQueue = false;
          events.matched(frame.payload);
          return;
        case "error":
          events.error(frame.payload.code, frame.payload.message);
          return;
      }
    });
  }

  /** Joins the queue (again). */
  queue(): void {
    this.#wantsQueue = true;
    if (this.#socket.readyState === 1) this.#send();
  }

  close(): void {
    this.#wantsQueue = false;
    this.#heartbeat.stop();
    this.#socket.close(1000, "done");
  }

  #send(): void {
    this.#socket.send(JSON.stringify({ type: MatchType.joinQueue, payload: this.interests }));
    this.#heartbeat.expectAnswer();
  }
}

/** "music, Go , chess" → ["music", "go", "chess"] (the server checks each one). */
export function parseTags(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}
