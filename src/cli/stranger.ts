import ReconnectingWebSocket from "partysocket/ws";
import WebSocket from "ws";
import { type MatchServerPayloads, MatchType } from "../protocol";

export interface MatchEvents {
  waiting(position: number, waiting: number): void;
  matched(match: MatchServerPayloads["matchFound"]): void;
  error(code: string, message: string): void;
}

/** The terminal client's line to the matchmaker; it queues again after a dropped connection. */
export class MatchQueue {
  readonly #socket: ReconnectingWebSocket;
  #wantsQueue = false;

  constructor(
    origin: string,
    username: string,
    session: string,
    private readonly interests: { tags: string[]; wants: string[] },
    events: MatchEvents,
  ) {
    const query = new URLSearchParams({ username, session });
    this.#socket = new ReconnectingWebSocket(`${origin}/match?${query}`, [], {
      WebSocket,
      maxReconnectionDelay: 10_000,
    });
    this.#socket.addEventListener("open", () => {
      if (this.#wantsQueue) this.#send();
    });
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      let frame: { type?: unknown; payload?: Record<string, unknown> };
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const p = frame.payload ?? {};
      if (frame.type === MatchType.queueJoined) events.waiting(Number(p.position), Number(p.waiting));
      else if (frame.type === MatchType.matchFound) {
        this.#wantsQueue = false;
        events.matched({ room: String(p.room), token: String(p.token), partner: String(p.partner) });
      } else if (frame.type === "error") events.error(String(p.code), String(p.message));
    });
  }

  queue(): void {
    this.#wantsQueue = true;
    if (this.#socket.readyState === 1) this.#send();
  }

  close(): void {
    this.#wantsQueue = false;
    this.#socket.close(1000, "done");
  }

  #send(): void {
    this.#socket.send(JSON.stringify({ type: MatchType.joinQueue, payload: this.interests }));
  }
}
