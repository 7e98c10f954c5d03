import { DurableObject } from "cloudflare:workers";
import { claimLookup } from "../../account/claim-lookup";
import { conversationInbox } from "../../account/conversation-inbox";
import { listingSlots } from "../../account/listing-slots";
import { directoryLink } from "../../directory/durable/directory";
import type { Env } from "../../env";
import { readConfig } from "../config";
import { type FromShard, SHARD_HEADER, shardName } from "../shards/traffic";
import type { StoredFile } from "../store/uploads";
import { fileBin } from "./file-bin";
import { JoinRate } from "./join-rate";
import type { HistoryQuery } from "./queries";
import { Room } from "./room";

export type { RoomInfo } from "./queries";

/**
 * One chat room: the single-threaded hub for its members and history.
 *
 * A thin shell over the platform: each hook hands its event to the `Room`,
 * which wires the pure core (`../core`) to the stores, the sockets and the
 * alarm. This class holds only what needs workerd itself.
 */
export class ChatRoom extends DurableObject<Env> {
  readonly #room: Room;
  readonly #searchesPerMinute: number;
  /** Searches per client address over a sliding minute (the join rate's counter, counting searches). */
  readonly #searches = new JoinRate();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = readConfig(env);
    this.#searchesPerMinute = config.searchesPerMinute;
    this.#room = new Room(
      ctx,
      config,
      () => this.#roomName(),
      claimLookup(env),
      directoryLink(env),
      conversationInbox(env),
      listingSlots(env),
      fileBin(env.FILES),
      (shard) => {
        const stub = env.ROOM_SHARD.getByName(shardName(this.#roomName(), shard));
        return { deliver: (batches) => stub.deliver(batches), heartbeats: () => stub.heartbeats() };
      },
    );
    // Heartbeats are answered by the runtime without waking the object; the
    // time of the last answer is what keeps a quiet connection from idling out.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    const room = this.#roomName(new URL(request.url));
    // A joiner whose place is on a fan-out shard is sent on by the worker, which never shows this answer.
    const shard = this.#room.placement(request);
    if (shard > 0) return new Response(null, { status: 204, headers: { [SHARD_HEADER]: String(shard) } });
    return this.#room.admission.admit(request, room);
  }

  /** A fan-out shard's knock for a socket it would hold: the upgrade request as the worker sent it to the shard. */
  async admitRemote(shard: number, conn: string, url: string, headers: [string, string][]) {
    return this.#room.admitRemote(shard, conn, new Request(url, { headers }));
  }

  /** What a shard's sockets said and did since its last call, in order. */
  async fromShard(shard: number, items: FromShard[]) {
    return this.#room.fromShard(shard, items);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await this.#room.message(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.#room.close(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    await this.#room.error(ws, error);
  }

  override async alarm(): Promise<void> {
    await this.#room.alarm();
  }

  /** An account's sessions ended everywhere (or it was deleted, `deleted` naming it): see `Room.accountEnded`. */
  async accountEnded(accountId: string, deleted: { name: string } | null): Promise<void> {
    await this.#room.accountEnded(accountId, deleted);
  }

  /** v1.9: the account that keeps this room in the directory, while it does; its account asks before it refuses a listing. */
  async listedBy(): Promise<string | null> {
    return this.#room.listedBy();
  }

  /** One session of an account ended: see `Room.sessionEnded`. */
  async sessionEnded(accountId: string, sessionId: string): Promise<void> {
    await this.#room.sessionEnded(accountId, sessionId);
  }

  /** A conversation's account blocks the other, or stops: see `Room.block`. */
  async block(accountId: string, on: boolean): Promise<boolean> {
    return this.#room.block(accountId, on);
  }

  /** v1.10: the worker's upload asks to spend a token: see `Room.takeUpload`. */
  async takeUpload(token: string) {
    return this.#room.takeUpload(token);
  }

  /** v1.10: a private room's file address is checked by the room that gave it: see `Room.fileLinkValid`. */
  async fileLinkValid(id: string, expires: number, sig: string): Promise<boolean> {
    return this.#room.fileLinkValid(id, expires, sig);
  }

  /** v1.10: the upload's bytes are in R2: see `Room.fileStored`. */
  async fileStored(token: string, file: StoredFile): Promise<string | null> {
    return this.#room.fileStored(token, file);
  }

  /** v1.10: the upload of a taken slot failed: see `Room.uploadFailed`. */
  async uploadFailed(token: string): Promise<void> {
    this.#room.uploadFailed(token);
  }

  /** Who is here and when the room last spoke; joins nothing. */
  async info(room: string) {
    return this.#room.info(room);
  }

  /**
   * A page of scrollback, oldest first (see `HistoryQuery`), as the account
   * `viewer` may read it (a conversation's party); with the milliseconds the
   * room spent on it (v1.9).
   */
  async historyPage(query: HistoryQuery, viewer: string | null = null) {
    return timed(() => this.#room.historyPageFor(query, viewer));
  }

  /**
   * v1.9: chat messages matching a person's words, newest first, below an id;
   * with the milliseconds the room spent on it, for `Server-Timing`.
   */
  async search(words: string, before: number | undefined, limit: number, address: string | null = null) {
    // A search of a big room costs it milliseconds of its one thread: an address may not keep it busy.
    const admitted =
      address === null ? { ok: true as const } : this.#searches.admit(address, Date.now(), this.#searchesPerMinute);
    if (!admitted.ok) return { refused: admitted.retryAfterMs };
    return timed(() => this.#room.queries.search(words, before, limit));
  }

  #roomName(url?: URL): string {
    return this.ctx.id.name ?? decodeURIComponent(url?.pathname.split("/")[2] ?? "");
  }
}

/** What `work` answers, with the milliseconds it took the room: the worker passes them on in `Server-Timing`. */
function timed<T extends object>(work: () => T): T & { roomMs: number } {
  const started = performance.now();
  const answer = work();
  return { ...answer, roomMs: performance.now() - started };
}
