import ReconnectingWebSocket from "partysocket/ws";
import { type MatchServerPayloads, MatchType } from "../protocol";

export interface StrangerEvents {
  waiting(position: number, waiting: number): void;
  matched(match: MatchServerPayloads["matchFound"]): void;
  error(message: string): void;
}

/**
 * The socket to the matchmaker. It stays open while the person chats, so
 * "next" re-queues at once; after a dropped connection it queues again.
 */
export class StrangerQueue {
  readonly #socket: ReconnectingWebSocket;
  #wantsQueue = false;

  constructor(
    origin: string,
    username: string,
    session: string,
    private readonly interests: { tags: string[]; wants: string[] },
    events: StrangerEvents,
  ) {
    const query = new URLSearchParams({ username, session });
    this.#socket = new ReconnectingWebSocket(`${origin}/match?${query}`, [], { maxReconnectionDelay: 10_000 });
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
      if (frame.type === MatchType.matchFound) {
        this.#wantsQueue = false;
        events.matched({ room: String(p.room), token: String(p.token), partner: String(p.partner) });
      }
      if (frame.type === "error") events.error(String(p.message ?? "the matchmaker refused"));
    });
  }

  /** Joins the queue (again). */
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

/** "music, Go , chess" → ["music", "go", "chess"] (the server checks them). */
export function parseTags(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean)
    .slice(0, 5);
}
