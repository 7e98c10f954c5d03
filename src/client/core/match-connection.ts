import ReconnectingWebSocket from "partysocket/ws";
import { CloseCode, type MatchServerPayloads, MatchType, parseMatchServerData } from "../../protocol";
import { Heartbeat } from "./heartbeat";

export interface MatchEvents {
  /** `recent`: how many of those waiting are people this person just talked to, whom they will not meet again yet. */
  waiting(position: number, waiting: number, recent: number): void;
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
          events.waiting(frame.payload.position, frame.payload.waiting, frame.payload.recent ?? 0);
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

/**
 * Why the line may not move although others wait: some of them (or all) are
 * people this person just talked to, whom the matchmaker does not bring back
 * for 10 minutes. Empty when there is nothing to explain.
 */
export function recentNote(waiting: number, recent: number): string {
  if (recent <= 0) return "";
  if (recent >= waiting - 1) {
    const who = recent === 1 ? "the only other person waiting is someone" : "everyone else waiting is someone";
    return `${who} you just talked to; you will be matched with the next new person`;
  }
  return recent === 1
    ? "1 person waiting is someone you just talked to"
    : `${recent} people waiting are people you just talked to`;
}

/** "music, Go , chess" → ["music", "go", "chess"] (the server checks each one). */
export function parseTags(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}
