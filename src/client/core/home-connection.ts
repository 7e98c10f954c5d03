import ReconnectingWebSocket from "partysocket/ws";
import { CloseCode, type HomeFrame, parseHomeFrame } from "../../protocol";
import { MAX_RECONNECT_DELAY_MS } from "./connection";
import { Heartbeat, type TimerClock } from "./heartbeat";

/**
 * A signed-in device's socket into its account (`/api/me/live`): the rooms
 * kept joined and the conversations, then each change. Reconnects as a room's
 * socket does, and gets everything again on each connect, so nothing missed
 * while away stays missed; stops for good once the session ended (4401).
 */
export class HomeConnection {
  readonly #socket: ReconnectingWebSocket;
  readonly #heartbeat: Heartbeat;
  #closed = false;

  constructor(
    origin: string,
    events: { frame(frame: HomeFrame): void; ended(): void },
    options: { WebSocket?: unknown; clock?: TimerClock } = {},
  ) {
    this.#socket = new ReconnectingWebSocket(`${origin}/api/me/live`, [], {
      minReconnectionDelay: 500 + Math.random() * 500,
      maxReconnectionDelay: MAX_RECONNECT_DELAY_MS - Math.random() * 500,
      shouldReconnectOnClose: (event: CloseEvent) => event.code !== CloseCode.signedOut,
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    });
    this.#heartbeat = new Heartbeat(
      () => this.#socket.send("ping"),
      () => this.#socket.reconnect(CloseCode.normal, "no answer to ping"),
      options.clock,
    );
    this.#socket.addEventListener("open", () => this.#heartbeat.start());
    this.#socket.addEventListener("message", (event: MessageEvent) => {
      this.#heartbeat.heard();
      const frame = typeof event.data === "string" && !this.#closed ? parseHomeFrame(event.data) : null;
      if (frame) events.frame(frame);
    });
    this.#socket.addEventListener("close", (event: CloseEvent) => {
      this.#heartbeat.stop();
      if (!this.#closed && event.code === CloseCode.signedOut) events.ended();
    });
  }

  close(): void {
    this.#closed = true;
    this.#heartbeat.stop();
    this.#socket.close(CloseCode.normal, "done");
  }
}
