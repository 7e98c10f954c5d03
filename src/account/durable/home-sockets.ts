import type { HomeFrame } from "../../protocol";

/** Devices one account may keep listening at once; one more closes the one open longest. */
export const HOME_SOCKETS_MAX = 20;

interface HomeAttachment {
  session: string;
  openedAt: number;
}

/**
 * The sockets an account's devices listen on, hibernatable, each tagged with
 * the session that opened it, so ending a session closes its own. Pushing
 * costs a send per device, and an account has a handful.
 */
export class HomeSockets {
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /** A new device listens; `first` is what it is told at once. */
  open(session: string, now: number, first: HomeFrame): Response {
    // Sockets already closing do not count: a device that never finishes its close must not crowd out the rest.
    const open = this.#ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
    if (open.length >= HOME_SOCKETS_MAX) {
      const oldest = open.reduce((a, b) => (openedAt(b) < openedAt(a) ? b : a));
      try {
        oldest.close(4000, "too many devices listening");
      } catch {
        // Closed meanwhile.
      }
    }
    const [client, server] = Object.values(new WebSocketPair());
    if (!client || !server) throw new Error("no socket pair");
    this.#ctx.acceptWebSocket(server, [session]);
    server.serializeAttachment({ session, openedAt: now } satisfies HomeAttachment);
    server.send(JSON.stringify(first));
    return new Response(null, { status: 101, webSocket: client });
  }

  push(frame: HomeFrame): void {
    const text = JSON.stringify(frame);
    for (const ws of this.#ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // Closing already: that device reads everything again when it reconnects.
      }
    }
  }

  /** Closes the sockets of one session, or (none given) of all. */
  close(code: number, reason: string, session?: string): void {
    for (const ws of this.#ctx.getWebSockets(session)) {
      try {
        ws.close(code, reason);
      } catch {
        // Already closed.
      }
    }
  }
}

function openedAt(ws: WebSocket): number {
  const attachment: unknown = ws.deserializeAttachment();
  return typeof attachment === "object" && attachment !== null && "openedAt" in attachment
    ? Number(attachment.openedAt)
    : 0;
}
