import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { HISTORY_PAGE_MAX, nameKey, parseClientFrame, type ServerFrame, ServerType, serverFrame } from "../protocol";
import { answerCode, connectionTag, openConnections, readAttachment } from "./connections";
import { HistoryStore } from "./history-store";
import { type Effect, join, leave, type Member, type RoomState, receive, type Transition } from "./hub";

export interface RoomInfo {
  room: string;
  userCount: number;
  users: string[];
  lastMessageAt: number | null;
}

/**
 * One chat room: the single-threaded hub for its members and history.
 *
 * A thin shell over the platform. Each event (join, frame, close, error) is
 * turned into a call into the pure logic in `hub.ts`, and the effects it returns
 * are performed here. Everything that must outlive hibernation is in the
 * sockets' attachments and tags or in SQLite; fields of this class are caches.
 */
export class ChatRoom extends DurableObject<Env> {
  readonly #history: HistoryStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#history = new HistoryStore(ctx.storage.sql);
    // Heartbeats are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const room = this.#roomName(url);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const params = url.searchParams;
    const since = Number(params.get("since") ?? Number.NaN);
    const outcome = join(
      this.#state(room),
      {
        id: crypto.randomUUID(),
        username: params.get("username"),
        session: params.get("session"),
        newSession: crypto.randomUUID().replaceAll("-", ""),
        since: Number.isSafeInteger(since) && since >= 0 ? since : undefined,
      },
      Date.now(),
    );
    // Refused joiners are still accepted, so they read why before the close.
    if (!outcome.ok) {
      this.ctx.acceptWebSocket(server);
      server.send(JSON.stringify(serverFrame(ServerType.error, outcome.error)));
      server.close(outcome.closeCode, outcome.error.code);
      return new Response(null, { status: 101, webSocket: client });
    }
    const { member, transition } = outcome;
    this.ctx.acceptWebSocket(server, [connectionTag(member.id), `user:${nameKey(member.username)}`]);
    server.serializeAttachment(member);
    this.#perform(transition);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    this.#perform(receive(this.#state(), attachment.id, parseClientFrame(message), Date.now()));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Answer the peer's close so it sees a clean close rather than 1006.
    try {
      ws.close(answerCode(code), reason.slice(0, 120));
    } catch {
      // Already closed from our side.
    }
    this.#depart(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#depart(ws);
  }

  /** Who is here and when the room last spoke; joins nothing and writes nothing. */
  async info(room: string): Promise<RoomInfo> {
    const members = this.#state(room).members;
    return {
      room,
      userCount: members.length,
      users: [...members].sort((a, b) => a.connectedAt - b.connectedAt).map((m) => m.username),
      lastMessageAt: this.#history.lastMessageAt(),
    };
  }

  /** A page of scrollback, oldest first. */
  async historyPage(before: number | undefined, limit: number) {
    return this.#history.page(before, Math.min(Math.max(1, limit), HISTORY_PAGE_MAX));
  }

  /** A socket went away without the room closing it: it leaves, and the room is told. */
  #depart(ws: WebSocket): void {
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    ws.serializeAttachment({ ...attachment, left: true });
    const { left: _, ...member } = attachment;
    this.#perform(leave(this.#state(), member, Date.now()));
  }

  #roomName(url?: URL): string {
    return this.ctx.id.name ?? decodeURIComponent(url?.pathname.split("/")[2] ?? "");
  }

  #state(room = this.#roomName()): RoomState {
    return {
      room,
      lastId: this.#history.lastId(),
      members: openConnections(this.ctx.getWebSockets()).map((c) => c.member),
    };
  }

  #perform({ state, effects }: Transition): void {
    for (const effect of effects) this.#apply(effect);
    this.#history.settle(state.lastId);
  }

  #apply(effect: Effect): void {
    switch (effect.kind) {
      case "send":
        this.#sendTo(effect.to, JSON.stringify(effect.frame));
        return;
      case "broadcast": {
        // Serialized once, whatever the room's size.
        const text = JSON.stringify(effect.frame);
        for (const { ws } of openConnections(this.ctx.getWebSockets())) send(ws, text);
        return;
      }
      case "record":
        this.#history.append(effect.frame);
        return;
      case "replay":
        this.#sendTo(effect.to, JSON.stringify(historyFrame(this.#history.replay(effect.since))));
        return;
      case "close":
        for (const ws of this.ctx.getWebSockets(connectionTag(effect.to))) {
          const attachment = readAttachment(ws);
          if (attachment) ws.serializeAttachment({ ...attachment, left: true });
          try {
            ws.close(effect.code, effect.reason);
          } catch {
            // Already closing.
          }
        }
        return;
      case "update":
        for (const ws of this.ctx.getWebSockets(connectionTag(effect.member.id))) {
          const attachment = readAttachment(ws);
          if (attachment && !attachment.left) ws.serializeAttachment(effect.member satisfies Member);
        }
        return;
    }
  }

  #sendTo(id: string, text: string): void {
    for (const ws of this.ctx.getWebSockets(connectionTag(id))) {
      if (ws.readyState === WebSocket.OPEN) send(ws, text);
    }
  }
}

function historyFrame(replay: ReturnType<HistoryStore["replay"]>): ServerFrame {
  return serverFrame(ServerType.history, replay);
}

/** A send to a socket that died a moment ago must not stop the others' sends. */
function send(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // The close handler will account for it.
  }
}
