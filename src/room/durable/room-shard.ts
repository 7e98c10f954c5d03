import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import type { Env } from "../../env";
import { refusedSocket } from "../../platform/refused-socket";
import { answerCode, send } from "../../platform/sockets";
import { CloseCode, clientIdOf, ErrorCode, ServerType, serverFrame } from "../../protocol";
import { readConfig } from "../config";
import { FRESH_INBOX, type Inbox, intact, owedTo, receive, type StreamStart } from "../shards/link";
import {
  type DeliveryAnswer,
  type FromShard,
  parseShardName,
  SHARD_HEADER,
  type ShardBatch,
  type ShardOp,
} from "../shards/traffic";

/** What a shard's socket carries across hibernation: its connection, and where its stream on the link began. */
type ShardAttachment = v.InferOutput<typeof ShardAttachmentSchema>;

/** Close code and reason for sockets that missed part of their stream: the client comes back with `since`. */
const RESUME_CLOSE = CloseCode.resume;
const RESUME_REASON = "the room restarted; reconnect";

/**
 * Frames one socket may have waiting to be passed on while a call to the
 * sequencer is in flight. The sequencer's rate limit answers each frame it
 * takes; this bounds the shard's memory when the sequencer is slow and a
 * client is not: one over it is told `rate_limited` and closed (4429).
 */
export const MAX_WAITING_FRAMES = 64;

/** Bytes all of a shard's sockets may have waiting together; past them, the socket whose frame overflows is closed (4429). */
export const MAX_WAITING_BYTES = 8 * 1024 * 1024;

/**
 * A fan-out shard: one of the objects a big room spreads its sockets over.
 * It holds sockets and nothing the room must agree on: the sequencer (the
 * room's `ChatRoom`) admits every joiner, orders every message and decides
 * every effect. The shard passes its sockets' frames on (everything since its
 * last call, in one call, one call in flight) and carries out what the
 * sequencer's numbered batches say: a flush's shared text, sent once over
 * the link and then to each socket here, a connection's own text, a close.
 * The runtime answers heartbeats here without waking it; the sequencer asks
 * for their times before it judges anyone idle.
 */
export class RoomShard extends DurableObject<Env> {
  readonly #maxFrameBytes: number;
  /** Admitted, open sockets by connection, rebuilt from their attachments after waking. */
  #sockets: Map<string, { ws: WebSocket; start: StreamStart }> | undefined;
  /** Connections being admitted: ops for them wait here, by batch, until their stream's start is known. */
  readonly #pending = new Map<string, { batch: ShardBatch; op: ShardOp }[]>();
  #inbox: Inbox | undefined;
  #queue: FromShard[] = [];
  /** Frames waiting in `#queue`, per connection, and their bytes together. */
  readonly #waiting = new Map<string, number>();
  #waitingBytes = 0;
  #sending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#maxFrameBytes = readConfig(env).maxFrameBytes;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** A joiner the worker placed here: the sequencer admits it, and this object holds its socket. */
  override async fetch(request: Request): Promise<Response> {
    const where = this.#where(request);
    if (where === null) return new Response("not a shard", { status: 404 });
    const conn = crypto.randomUUID();
    this.#pending.set(conn, []);
    const entry = await this.#sequencer()
      .admitRemote(where.shard, conn, request.url, [...request.headers])
      .catch(() => null);
    if (entry === null) {
      this.#pending.delete(conn);
      return refusedSocket({ code: ErrorCode.unavailable, message: "the room is restarting; try again" }, 1013);
    }
    const waiting = this.#pending.get(conn) ?? [];
    this.#pending.delete(conn);
    if (!entry.admitted) {
      if ("refused" in entry) return refusedSocket(entry.refused.error, entry.refused.code);
      return new Response(entry.body, { status: entry.status, headers: entry.headers });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const attachment: ShardAttachment = { conn, start: entry.start };
    server.serializeAttachment(attachment);
    this.#held().set(conn, { ws: server, start: entry.start });
    // What the sequencer sent it while it was being let in: its welcome and replay, and what followed.
    for (const { batch, op } of waiting) if (owedTo(entry.start, batch)) this.#apply(op, conn);
    if (!intact(entry.start, this.#inboxNow())) this.#drop(conn, RESUME_CLOSE, RESUME_REASON);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The sequencer's numbered batches: each applied once, in order; sockets whose stream has a hole resume. */
  async deliver(batches: ShardBatch[]): Promise<DeliveryAnswer> {
    const got = receive(this.#inboxNow(), batches);
    this.#inbox = got.inbox;
    this.ctx.storage.kv.put("inbox", got.inbox);
    const gone = new Set<string>();
    for (const batch of got.batches) for (const op of batch.frames) this.#route(batch, op, gone);
    for (const [conn, { start }] of this.#held()) {
      if (!intact(start, got.inbox)) this.#drop(conn, RESUME_CLOSE, RESUME_REASON);
    }
    return { ack: got.ack, gone: [...gone] };
  }

  /** When each socket held here last answered a heartbeat (0: not yet); one being let in counts as now. */
  async heartbeats(): Promise<Record<string, number>> {
    const answer: Record<string, number> = {};
    for (const [conn, { ws }] of this.#held()) {
      answer[conn] = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
    }
    for (const conn of this.#pending.keys()) answer[conn] = Date.now();
    return answer;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = attachmentOf(ws);
    if (!attachment || attachment.left) return;
    const sent = this.#standIn(message);
    const waiting = (this.#waiting.get(attachment.conn) ?? 0) + 1;
    const bytes = typeof sent === "string" ? sent.length : sent.byteLength;
    if (waiting > MAX_WAITING_FRAMES || this.#waitingBytes + bytes > MAX_WAITING_BYTES) {
      const error = { code: ErrorCode.rateLimited, message: "too many frames at once; slow down" };
      send(ws, JSON.stringify(serverFrame(ServerType.error, error)));
      this.#drop(attachment.conn, CloseCode.flooding, "flooding");
      return;
    }
    this.#waitingBytes += bytes;
    this.#waiting.set(attachment.conn, waiting);
    this.#forward({ conn: attachment.conn, message: sent });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    if (ws.readyState !== WebSocket.CLOSED) {
      try {
        ws.close(answerCode(code), reason.slice(0, 120));
      } catch {
        // Closed from this side already.
      }
    }
    this.#gone(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#gone(ws, 1006, "");
  }

  /** The room this shard serves: its sequencer. */
  #sequencer() {
    const where = this.#where();
    if (where === null) throw new Error("this shard has no room");
    return this.env.CHAT_ROOM.getByName(where.room);
  }

  #gone(ws: WebSocket, code: number, reason: string): void {
    const attachment = attachmentOf(ws);
    if (!attachment || attachment.left) return;
    this.#let(attachment.conn, ws, attachment);
    this.#forward({ conn: attachment.conn, gone: { code, reason } });
  }

  /** Passes a socket's frame or close on: at once when no call is in flight, else with the next call. */
  #forward(item: FromShard): void {
    this.#queue.push(item);
    void this.#pump();
  }

  async #pump(): Promise<void> {
    const where = this.#where();
    if (this.#sending || this.#queue.length === 0 || where === null) return;
    this.#sending = true;
    const items = this.#queue;
    this.#queue = [];
    this.#waiting.clear();
    this.#waitingBytes = 0;
    try {
      const answer = await this.#sequencer().fromShard(where.shard, items);
      for (const conn of answer.unknown) this.#drop(conn, 1011, "the room lost this connection; reconnect");
    } catch {
      // The sequencer restarted mid-call: what it did not take is lost here, so its senders
      // reconnect and send again (their client ids make a resend land once). A close told twice
      // is told once: the sequencer lets each connection go once.
      const gone = items.filter((i) => "gone" in i);
      this.#queue.unshift(...gone);
      for (const item of items) if ("message" in item) this.#drop(item.conn, RESUME_CLOSE, RESUME_REASON);
    } finally {
      this.#sending = false;
      void this.#pump();
    }
  }

  /** Carries out one op of a batch; `gone` collects connections the batch named that are not here. */
  #route(batch: ShardBatch, op: ShardOp, gone: Set<string>): void {
    const held = this.#held();
    if (op.kind !== "all") {
      this.#pending.get(op.conn)?.push({ batch, op });
      const socket = held.get(op.conn);
      if (socket && owedTo(socket.start, batch)) this.#apply(op, op.conn);
      else if (!socket && !this.#pending.has(op.conn)) gone.add(op.conn);
      return;
    }
    const skip = new Set(op.skip);
    for (const [conn, waiting] of this.#pending) if (!skip.has(conn)) waiting.push({ batch, op });
    for (const [conn, socket] of held) if (!skip.has(conn) && owedTo(socket.start, batch)) send(socket.ws, op.text);
  }

  /**
   * What crosses to the sequencer for a frame. One it would refuse unread
   * (over the size limit, or binary) crosses as a small frame of the same
   * verdict, with its `clientId`, so the sender is answered as on any socket.
   */
  #standIn(message: string | ArrayBuffer): string | ArrayBuffer {
    if (typeof message !== "string") return new ArrayBuffer(0);
    // A string has at least as many UTF-8 bytes as UTF-16 units.
    if (message.length <= this.#maxFrameBytes) return message;
    const clientId = clientIdOf(message);
    const head = clientId === undefined ? "" : `{"clientId":"${clientId}"}`;
    return head + " ".repeat(this.#maxFrameBytes + 1 - head.length);
  }

  /** One op, for one connection held here. */
  #apply(op: ShardOp, conn: string): void {
    const socket = this.#held().get(conn);
    if (!socket) return;
    switch (op.kind) {
      case "to":
      case "all":
        send(socket.ws, op.text);
        return;
      case "close":
        this.#let(conn, socket.ws, { conn, start: socket.start });
        try {
          socket.ws.close(op.code, op.reason);
        } catch {
          // Closing already.
        }
        return;
    }
    op satisfies never;
  }

  /** This shard closes a socket of its own accord: the sequencer is told, as of any close. */
  #drop(conn: string, code: number, reason: string): void {
    const socket = this.#held().get(conn);
    if (!socket) return;
    this.#let(conn, socket.ws, { conn, start: socket.start });
    try {
      socket.ws.close(code, reason);
    } catch {
      // Closing already.
    }
    this.#forward({ conn, gone: { code, reason } });
  }

  /** A socket is no longer this shard's to send to: marked, so waking finds it gone. */
  #let(conn: string, ws: WebSocket, attachment: ShardAttachment): void {
    this.#held().delete(conn);
    try {
      ws.serializeAttachment({ ...attachment, left: true });
    } catch {
      // A socket that has closed keeps its old attachment; the map is what counts until waking.
    }
  }

  #held(): Map<string, { ws: WebSocket; start: StreamStart }> {
    if (this.#sockets) return this.#sockets;
    this.#sockets = new Map();
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = attachmentOf(ws);
      if (!attachment || attachment.left || ws.readyState !== WebSocket.OPEN) continue;
      this.#sockets.set(attachment.conn, { ws, start: attachment.start });
    }
    return this.#sockets;
  }

  #inboxNow(): Inbox {
    this.#inbox ??= this.ctx.storage.kv.get<Inbox>("inbox") ?? FRESH_INBOX;
    return this.#inbox;
  }

  /** The room and this shard's number: from the object's name, or as the worker's request said (kept). */
  #where(request?: Request): { room: string; shard: number } | null {
    const named = this.ctx.id.name === undefined ? null : parseShardName(this.ctx.id.name);
    if (named) return named;
    const kept = this.ctx.storage.kv.get<{ room: string; shard: number }>("where");
    if (kept || !request) return kept ?? null;
    const shard = Number(request.headers.get(SHARD_HEADER));
    const room = decodeURIComponent(new URL(request.url).pathname.split("/")[2] ?? "");
    if (!Number.isSafeInteger(shard) || shard < 1 || room === "") return null;
    this.ctx.storage.kv.put("where", { room, shard });
    return { room, shard };
  }
}

/** What a shard's socket carries, as read back: anything else (a socket of another kind) is no connection here. */
const ShardAttachmentSchema = v.object({
  conn: v.string(),
  start: v.object({ life: v.string(), seq: v.number() }),
  left: v.optional(v.literal(true)),
});

function attachmentOf(ws: WebSocket): ShardAttachment | null {
  const read = v.safeParse(ShardAttachmentSchema, ws.deserializeAttachment());
  return read.success ? read.output : null;
}
