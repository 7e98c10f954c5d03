import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { answerCode } from "../../platform/sockets";
import { readConfig } from "../config";
import { disconnect, expire, type LogEntry, type RoomContext, type RoomState, receive } from "../core";
import { BanStore } from "../store/bans";
import { HistoryStore } from "../store/history";
import { MemberStore } from "../store/members";
import { SentStore } from "../store/sent";
import { Sequencer } from "../store/sequencer";
import { Admission } from "./admission";
import { AlarmSchedule } from "./alarm-schedule";
import { readAttachment, writeAttachment } from "./attachment";
import { EffectInterpreter } from "./effect-interpreter";
import { FlushSchedule } from "./flush-schedule";
import { Members } from "./members";
import { PrivacyMarker } from "./privacy";
import { PrivateWipe } from "./private-wipe";
import { RoomQueries } from "./queries";
import { roomContext } from "./room-context";

export type { RoomInfo } from "./queries";

/**
 * One chat room: the single-threaded hub for its members and history.
 *
 * A thin shell over the platform. Each event (join, frame, close, error, alarm)
 * becomes one call into the pure core (`../core`), and the `EffectInterpreter`
 * performs the effects it returns. Everything that must outlive hibernation is
 * in the sockets' attachments, in SQLite, or in the alarm; the rest is caches
 * (`Members`). This class only wires the platform's hooks to those parts.
 */
export class ChatRoom extends DurableObject<Env> {
  readonly #ids: Sequencer;
  readonly #members: Members;
  readonly #alarms: AlarmSchedule;
  readonly #privacy: PrivacyMarker;
  readonly #wipe: PrivateWipe;
  readonly #flush: FlushSchedule;
  readonly #context: RoomContext;
  readonly #interpreter: EffectInterpreter;
  readonly #admission: Admission;
  readonly #queries: RoomQueries;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const { storage } = ctx;
    const config = readConfig(env);
    const ids = new Sequencer(storage.sql);
    const history = new HistoryStore(storage.sql, ids);
    const bans = new BanStore(storage.sql);
    const sent = new SentStore(storage.sql);
    const stored = new MemberStore(storage.sql);
    const log = (entry: LogEntry) => this.#flush.log(this.#roomName(), entry);
    this.#ids = ids;
    this.#alarms = new AlarmSchedule(storage);
    this.#privacy = new PrivacyMarker(storage.kv);
    this.#members = new Members(ctx, stored, config, this.#alarms, log);
    this.#flush = new FlushSchedule(this.#members, stored);
    this.#wipe = new PrivateWipe(
      storage,
      { ids, history, sent, members: stored, bans },
      this.#privacy,
      this.#alarms,
      this.#flush,
      log,
    );
    this.#context = roomContext(config, { bans, history, ids, sent }, this.#privacy, this.#members);
    this.#interpreter = new EffectInterpreter({
      storage,
      config,
      ids,
      history,
      sent,
      stored,
      bans,
      members: this.#members,
      flush: this.#flush,
      alarms: this.#alarms,
      privacy: this.#privacy,
      wipe: this.#wipe,
    });
    this.#admission = new Admission({
      ctx,
      config,
      context: this.#context,
      members: this.#members,
      flush: this.#flush,
      privacy: this.#privacy,
      interpreter: this.#interpreter,
      state: (room) => this.#state(room),
      keepCounters: (session, conn) => this.#keepCounters(session, conn),
      settle: () => this.#settle(),
    });
    this.#queries = new RoomQueries(this.#members, history);
    // Heartbeats are answered by the runtime without waking the object; the
    // time of the last answer is what keeps a quiet connection from idling out.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    return this.#admission.admit(request, this.#roomName(new URL(request.url)));
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const { ids, sockets, seen, roster } = this.#members.get();
    const conn = ids.get(ws);
    // Not a member (any more): refused, or already let go and still closing.
    if (conn === undefined || !sockets.has(conn)) return;
    const now = Date.now();
    seen.set(conn, now);
    const session = roster.byConn(conn)?.session;
    const state = this.#state();
    this.#interpreter.perform(state.room, receive(state, this.#context, conn, message, now));
    if (session !== undefined) this.#keepCounters(session, conn);
    await this.#settle();
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Answer the peer's close so it sees a clean close rather than 1006.
    if (ws.readyState !== WebSocket.CLOSED) {
      try {
        ws.close(answerCode(code), reason.slice(0, 120));
      } catch {
        // Already closed from our side.
      }
    }
    await this.#depart(ws);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    const attachment = readAttachment(ws);
    this.#flush.log(this.#roomName(), {
      event: "socket_error",
      username: attachment ? this.#members.get().roster.get(attachment.session)?.username : undefined,
      message: String(error),
    });
    await this.#depart(ws);
  }

  /** Ends reconnect graces, evicts idle members, and sets the alarm for the next deadline, if anyone is left. */
  override async alarm(): Promise<void> {
    // The alarm is rare: it reads the privacy marker from storage rather than trusting the copy.
    this.#privacy.reread();
    if (await this.#wipe.endMarker(() => this.#members.get().roster.size === 0)) return;
    const state = this.#state();
    this.#interpreter.perform(state.room, expire(state, this.#context, Date.now()));
    if (this.#wipe.due) {
      await this.#wipe.run();
      return;
    }
    await this.#alarms.settleWake();
  }

  /** Who is here and when the room last spoke; joins nothing. */
  async info(room: string) {
    this.#members.get();
    await this.#settle();
    return this.#queries.info(room);
  }

  /** A page of scrollback, oldest first: before an id (older), or after one (filling a gap). */
  async historyPage(before: number | undefined, limit: number, after?: number) {
    return this.#queries.historyPage(before, limit, after);
  }

  /** A socket went away without the room closing it: its member loses a connection. */
  async #depart(ws: WebSocket): Promise<void> {
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    // After waking, the rebuild finds this socket closed and starts the member's grace itself.
    const { sockets } = this.#members.get();
    writeAttachment(ws, { ...attachment, left: true });
    if (sockets.get(attachment.conn) === ws) {
      this.#members.drop(attachment.conn);
      this.#disconnect(attachment.conn);
      // This socket may have held the member's freshest counters: another tab keeps them now.
      this.#keepCounters(attachment.session);
    } else {
      // The rebuild found this socket closing and stored its member's away mark: the log line goes with the next flush.
      this.#flush.schedule();
    }
    await this.#settle();
  }

  #disconnect(conn: string): void {
    const state = this.#state();
    this.#interpreter.perform(state.room, disconnect(state, this.#context, conn, Date.now()));
  }

  /** A member's counters into an attachment; a socket that refuses them leaves now. */
  #keepCounters(session: string, preferred?: string): void {
    const lost = this.#members.keepCounters(session, preferred);
    if (lost !== undefined) this.#disconnect(lost);
  }

  /** After an event: a private room emptied is wiped, else the alarm is kept early enough. */
  async #settle(): Promise<void> {
    if (this.#wipe.due) {
      await this.#wipe.run();
      return;
    }
    // An ended private room's alarm is what removes its closed marker: that one stays.
    const empty = this.#members.get().roster.size === 0;
    await this.#alarms.settle(empty, empty && this.#privacy.get()?.until !== undefined);
  }

  #roomName(url?: URL): string {
    return this.ctx.id.name ?? decodeURIComponent(url?.pathname.split("/")[2] ?? "");
  }

  #state(room = this.#roomName()): RoomState {
    return { room, lastId: this.#ids.lastId(), roster: this.#members.get().roster };
  }
}
