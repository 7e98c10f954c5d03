import type { Claimant } from "../../account/core/claims";
import type { ObjectState } from "../../platform/object-state";
import { refusedSocket } from "../../platform/refused-socket";
import type { HeldSocket } from "../../platform/sockets";
import { conversationParties } from "../../protocol";
import { accountOf } from "../../worker/account-door";
import { peerOf } from "../../worker/conversation-door";
import { tooManyJoins } from "../../worker/errors";
import { EXPIRED_TICKET_HEADER, PRIVATE_HEADER } from "../../worker/private-rooms";
import type { RoomConfig } from "../config";
import {
  type Effect,
  type JoinRequest,
  join,
  type LogEntry,
  type RoomContext,
  type RoomState,
  refusalOf,
  type SignedInAccount,
} from "../core";
import type { StreamStart } from "../shards/link";
import type { RemoteEntry } from "../shards/traffic";
import type { ConversationStore } from "../store/conversation";
import { accountAuthor, anonymousAuthor } from "./author-id";
import type { EffectInterpreter } from "./effect-interpreter";
import type { FlushSchedule } from "./flush-schedule";
import { JoinRate } from "./join-rate";
import type { Members } from "./members";
import type { PrivacyMarker } from "./privacy";

/** What letting someone in touches besides the core. */
export interface AdmissionParts {
  ctx: ObjectState;
  config: RoomConfig;
  context: RoomContext;
  members: Members;
  flush: FlushSchedule;
  privacy: PrivacyMarker;
  conversation: ConversationStore;
  interpreter: EffectInterpreter;
  /** The core's state of this room now. */
  state(room: string): RoomState;
  /** A member's counters into an attachment after the event (see `Members.keepCounters`). */
  keepCounters(session: string, conn: string): void;
  /** The alarm (or a private room's wipe) after the event. */
  settle(): Promise<void>;
}

/** A join's end: refused, with why; or let in, with the client's end of its socket. */
export type Entry<Client> = { refused: Extract<Effect, { kind: "refuse" }> } | { client: Client };

/**
 * The WebSocket upgrade: the join rate per address, then the core's `join`.
 * A joiner let in gets a hibernatable socket, registered before the join's
 * effects run; a refused one gets a socket that only says why.
 */
export class Admission {
  readonly #parts: AdmissionParts;
  readonly #joinRate = new JoinRate();

  constructor(parts: AdmissionParts) {
    this.#parts = parts;
  }

  async admit(request: Request, room: string): Promise<Response> {
    const read = await this.#read(request, room, crypto.randomUUID());
    if (read instanceof Response) return read;
    const { ctx } = this.#parts;
    const entry = await this.join(room, read.join, read.opensPrivate, read.now, () => {
      const [client, server] = upgrade();
      ctx.acceptWebSocket(server);
      return [client, server];
    });
    // Refused joiners are still accepted, so they read why before the close.
    if ("refused" in entry) return refusedSocket(entry.refused.error, entry.refused.code);
    return new Response(null, { status: 101, webSocket: entry.client });
  }

  /**
   * The same door for a socket one of the room's fan-out shards holds: the
   * shard knocks with the upgrade request the worker sent it and the
   * connection id it chose, and `open` gives the room's side of the socket
   * and where its stream on the shard's link begins.
   */
  async admitRemote(
    request: Request,
    room: string,
    conn: string,
    open: () => [StreamStart, HeldSocket],
  ): Promise<RemoteEntry> {
    const read = await this.#read(request, room, conn);
    if (read instanceof Response) {
      return { admitted: false, status: read.status, body: await read.text(), headers: [...read.headers] };
    }
    const entry = await this.join(room, read.join, read.opensPrivate, read.now, open);
    if ("refused" in entry)
      return { admitted: false, refused: { error: entry.refused.error, code: entry.refused.code } };
    return { admitted: true, start: entry.client };
  }

  /** The join rate per address, then what the request asks for as the core's join; or the refusal, as a response. */
  async #read(
    request: Request,
    room: string,
    conn: string,
  ): Promise<Response | { join: JoinRequest; opensPrivate: boolean; now: number }> {
    const { config, members, flush, privacy } = this.#parts;
    const log = (entry: LogEntry) => flush.log(room, entry);
    const params = new URL(request.url).searchParams;
    const since = Number(params.get("since") ?? Number.NaN);
    const now = Date.now();
    // On Cloudflare every request carries the client's address; off it (tests), there is none to count.
    // Someone coming back within their grace is not counted: that is no flood, and it writes no notice.
    // Another tab of someone present is a join like any other, so tabs cannot be opened without limit.
    const address = request.headers.get("CF-Connecting-IP");
    const returning = members.get().roster.get(params.get("session") ?? "")?.awayUntil !== undefined;
    if (address && !returning) {
      const admitted = this.#joinRate.admit(address, now, config.joinRatePerMinute);
      if (!admitted.ok) {
        log({ event: "join_rate_limited" });
        flush.schedule();
        return tooManyJoins(admitted.retryAfterMs);
      }
    }
    log({ event: "connect" });
    // The worker sets this header only after checking a matchmaker ticket. The room becomes
    // private only once someone is let in, so a refused knock stores nothing.
    const opensPrivate = request.headers.get(PRIVATE_HEADER) === "1" && !privacy.get();
    const account = accountOf(request);
    if (account !== null) this.#noteParties(room, account, peerOf(request));
    const session = params.get("session");
    const newSession = crypto.randomUUID().replaceAll("-", "");
    const join: JoinRequest = {
      conn,
      username: params.get("username"),
      session,
      newSession,
      since: Number.isSafeInteger(since) && since >= 0 ? since : undefined,
      epoch: params.get("epoch") ?? undefined,
      membersOnly: request.headers.get(EXPIRED_TICKET_HEADER) === "1",
      address,
      ...(account === null ? {} : { account }),
      author: account === null ? await anonymousAuthor(room, session ?? newSession) : accountAuthor(account.id),
    };
    return { join, opensPrivate, now };
  }

  /**
   * A conversation's two accounts, as the worker vouched for them: kept so
   * the room can tell both of them when it moves, even before the other
   * person ever came in.
   */
  #noteParties(room: string, account: SignedInAccount, peer: Claimant | null): void {
    const parties = conversationParties(room);
    if (parties === null || peer === null || account.id === peer.accountId) return;
    if (!parties.includes(account.id) || !parties.includes(peer.accountId)) return;
    this.#parts.conversation.note(account.id, account.name);
    this.#parts.conversation.note(peer.accountId, peer.name);
  }

  /**
   * The core's join for a request read at the door. A joiner let in is given
   * a socket by `open` (the client's end and the room's, held), registered
   * before the join's effects run.
   */
  async join<Client>(
    room: string,
    request: JoinRequest,
    opensPrivate: boolean,
    now: number,
    open: () => [Client, HeldSocket],
  ): Promise<Entry<Client>> {
    const { members, flush, privacy, interpreter } = this.#parts;
    const context = opensPrivate ? { ...this.#parts.context, privacy: { closed: false } } : this.#parts.context;
    const outcome = join(this.#parts.state(room), context, request, now);
    const refused = refusalOf(outcome);
    if (refused) {
      interpreter.perform(room, outcome);
      await this.#parts.settle();
      return { refused };
    }
    if (opensPrivate) privacy.set({ closed: false });
    const [client, server] = open();
    members.register(request.conn, server, now, request.account?.session);
    // What is queued now is in the joiner's replay. Marked before any effect runs, since one may
    // flush (closing a tab to make room for this one), and that flush reaches every socket.
    flush.coalescer.joined(request.conn);
    interpreter.perform(room, outcome);
    const session = members.get().roster.byConn(request.conn)?.session;
    if (session !== undefined) this.#parts.keepCounters(session, request.conn);
    await this.#parts.settle();
    return { client };
  }
}

/** A WebSocket pair: the client's end for the response, the room's to hold. */
function upgrade(): [WebSocket, WebSocket] {
  const pair = new WebSocketPair();
  return [pair[0], pair[1]];
}
