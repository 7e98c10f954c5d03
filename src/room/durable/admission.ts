import { refusedSocket } from "../../platform/refused-socket";
import { tooManyJoins } from "../../worker/errors";
import { EXPIRED_TICKET_HEADER, PRIVATE_HEADER } from "../../worker/private-rooms";
import type { RoomConfig } from "../config";
import { join, type LogEntry, type RoomContext, type RoomState, refusalOf } from "../core";
import type { EffectInterpreter } from "./effect-interpreter";
import type { FlushSchedule } from "./flush-schedule";
import { JoinRate } from "./join-rate";
import type { Members } from "./members";
import type { PrivacyMarker } from "./privacy";

/** What letting someone in touches besides the core. */
export interface AdmissionParts {
  ctx: DurableObjectState;
  config: RoomConfig;
  context: RoomContext;
  members: Members;
  flush: FlushSchedule;
  privacy: PrivacyMarker;
  interpreter: EffectInterpreter;
  /** The core's state of this room now. */
  state(room: string): RoomState;
  /** A member's counters into an attachment after the event (see `Members.keepCounters`). */
  keepCounters(session: string, conn: string): void;
  /** The alarm (or a private room's wipe) after the event. */
  settle(): Promise<void>;
}

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
    const { ctx, config, members, flush, privacy, interpreter } = this.#parts;
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
    const context = opensPrivate ? { ...this.#parts.context, privacy: { closed: false } } : this.#parts.context;
    const conn = crypto.randomUUID();
    const outcome = join(
      this.#parts.state(room),
      context,
      {
        conn,
        username: params.get("username"),
        session: params.get("session"),
        newSession: crypto.randomUUID().replaceAll("-", ""),
        since: Number.isSafeInteger(since) && since >= 0 ? since : undefined,
        epoch: params.get("epoch") ?? undefined,
        membersOnly: request.headers.get(EXPIRED_TICKET_HEADER) === "1",
      },
      now,
    );
    // Refused joiners are still accepted, so they read why before the close.
    const refused = refusalOf(outcome);
    if (refused) {
      interpreter.perform(room, outcome);
      await this.#parts.settle();
      return refusedSocket(refused.error, refused.code);
    }
    if (opensPrivate) privacy.set({ closed: false });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    ctx.acceptWebSocket(server);
    members.register(conn, server, now);
    // What is queued now is in the joiner's replay. Marked before any effect runs, since one may
    // flush (closing a tab to make room for this one), and that flush reaches every socket.
    flush.coalescer.joined(conn);
    interpreter.perform(room, outcome);
    const session = members.get().roster.byConn(conn)?.session;
    if (session !== undefined) this.#parts.keepCounters(session, conn);
    await this.#parts.settle();
    return new Response(null, { status: 101, webSocket: client });
  }
}
