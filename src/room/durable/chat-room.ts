import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { EXPIRED_TICKET_HEADER, PRIVATE_HEADER } from "../../http/private-rooms";
import { refusedSocket } from "../../http/refused-socket";
import { TICKET_TTL_MS } from "../../match/ticket";
import { ErrorCode, HISTORY_PAGE_MAX, ServerType } from "../../protocol";
import { BanStore } from "../ban-store";
import { type RoomConfig, readConfig } from "../config";
import { answerCode, type Counters, countersOf, freshest, readAttachment, send, writeAttachment } from "../connections";
import {
  disconnect,
  type Effect,
  expire,
  idleDeadline,
  join,
  type LogEntry,
  type Member,
  type Outcome,
  type RoomContext,
  type RoomState,
  receive,
  refusalOf,
} from "../core";
import { asMessage, Coalescer, textOf, type Urgency, urgencyOf } from "../core/coalescer";
import { PeopleLists } from "../core/people-lists";
import { Roster } from "../core/roster";
import { HistoryStore } from "../history-store";
import { MemberStore } from "../member-store";
import { SentStore } from "../sent-store";
import { JoinRate } from "./join-rate";
import { LogBox } from "./log-box";

/** The room's in-memory view of who is here: rebuilt from storage and the attachments after waking. */
interface Members {
  roster: Roster;
  /** Connection id to socket, for sends. Only open, joined sockets. */
  sockets: Map<string, WebSocket>;
  /** Socket to connection id, so a message needs no attachment read to find its sender. */
  ids: WeakMap<WebSocket, string>;
  /** Connection id to its last frame (or arrival): each connection's own idle clock. */
  seen: Map<string, number>;
}

/** Storage key of a private room's state; absent in public rooms. */
const PRIVACY_KEY = "privacy";

/** A private room's state; `until` is set on an ended room's marker, when its tickets have all expired. */
interface Privacy {
  closed: boolean;
  until?: number;
}

export interface RoomInfo {
  room: string;
  userCount: number;
  users: string[];
  lastMessageAt: number | null;
}

/**
 * One chat room: the single-threaded hub for its members and history.
 *
 * A thin shell over the platform. Each event (join, frame, close, error, alarm)
 * becomes one call into the pure logic in `hub.ts`, and the effects it returns
 * are performed here. Everything that must outlive hibernation is in the
 * sockets' attachments, in SQLite, or in the alarm. The roster and the socket
 * map below are caches: rebuilt on the first event after the object wakes,
 * then kept current by the effects, so a message costs the same in a room of
 * 5 or 5,000.
 */
export class ChatRoom extends DurableObject<Env> {
  readonly #history: HistoryStore;
  readonly #bans: BanStore;
  readonly #sent: SentStore;
  readonly #stored: MemberStore;
  readonly #config: RoomConfig;
  #members: Members | undefined;
  readonly #outbox = new Coalescer();
  readonly #joinRate = new JoinRate();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #flushDue = 0;
  #lastFlush = 0;
  /** The last flush of any kind, sends or not: quiet work (log lines, away marks) is paced from it. */
  #lastQuietFlush = 0;
  /** Log lines waiting for the next flush, where a storm of joins becomes one line per kind. */
  readonly #logs = new LogBox();
  /** The alarm as last read or set; undefined until read after waking. */
  #alarm: number | null | undefined;
  /** The alarm the last expiry asked for exactly (null: none), set once its effects are performed. */
  #wake: number | null | undefined;
  /** The earliest deadline introduced since the alarm was last checked (a join, a grace), if any. */
  #wantAlarm: number | null = null;
  /** The room's privacy as last read or written; read once per life, not per message. */
  #privacyState: Privacy | null | undefined;
  /** A private room emptied: delete all of its storage after this event. */
  #wipe = false;
  /** The `users` replies last written, rewritten only when the room changed. */
  readonly #people = new PeopleLists();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#history = new HistoryStore(ctx.storage.sql);
    this.#bans = new BanStore(ctx.storage.sql);
    this.#sent = new SentStore(ctx.storage.sql);
    this.#stored = new MemberStore(ctx.storage.sql);
    this.#config = readConfig(env);
    // Heartbeats are answered by the runtime without waking the object; the
    // time of the last answer is what keeps a quiet connection from idling out.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const room = this.#roomName(url);
    const params = url.searchParams;
    const since = Number(params.get("since") ?? Number.NaN);
    const now = Date.now();
    // On Cloudflare every request carries the client's address; off it (tests), there is none to count.
    // Someone coming back within their grace is not counted: that is no flood, and it writes no notice.
    // Another tab of someone present is a join like any other, so tabs cannot be opened without limit.
    const address = request.headers.get("CF-Connecting-IP");
    const returning = this.#cache().roster.get(params.get("session") ?? "")?.awayUntil !== undefined;
    if (address && !returning) {
      const admitted = this.#joinRate.admit(address, now, this.#config.joinRatePerMinute);
      if (!admitted.ok) {
        this.#log(room, { event: "join_rate_limited" });
        this.#scheduleFlush();
        return tooManyJoins(admitted.retryAfterMs);
      }
    }
    this.#log(room, { event: "connect" });
    // The worker sets this header only after checking a matchmaker ticket. The room becomes
    // private only once someone is let in, so a refused knock stores nothing.
    const opensPrivate = request.headers.get(PRIVATE_HEADER) === "1" && !this.#privacy();
    const context = this.#context();
    if (opensPrivate) context.privacy = { closed: false };
    const conn = crypto.randomUUID();
    const outcome = join(
      this.#state(room),
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
      this.#perform(room, outcome);
      await this.#scheduleAlarm();
      return refusedSocket(refused.error, refused.code);
    }
    if (opensPrivate) this.#setPrivacy({ closed: false });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const members = this.#cache();
    members.sockets.set(conn, server);
    members.ids.set(server, conn);
    members.seen.set(conn, now);
    // What is queued now is in the joiner's replay. Marked before any effect runs, since one may
    // flush (closing a tab to make room for this one), and that flush reaches every socket.
    this.#outbox.joined(conn);
    this.#perform(room, outcome);
    const session = members.roster.byConn(conn)?.session;
    if (session !== undefined) this.#keepCounters(session, conn);
    await this.#scheduleAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const { ids, sockets, seen, roster } = this.#cache();
    const conn = ids.get(ws);
    // Not a member (any more): refused, or already let go and still closing.
    if (conn === undefined || !sockets.has(conn)) return;
    const now = Date.now();
    seen.set(conn, now);
    const session = roster.byConn(conn)?.session;
    const state = this.#state();
    this.#perform(state.room, receive(state, this.#context(), conn, message, now));
    if (session !== undefined) this.#keepCounters(session, conn);
    await this.#scheduleAlarm();
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
    this.#log(this.#roomName(), {
      event: "socket_error",
      username: attachment ? this.#cache().roster.get(attachment.session)?.username : undefined,
      message: String(error),
    });
    await this.#depart(ws);
  }

  /** Ends reconnect graces, evicts idle members, and sets the alarm for the next deadline, if anyone is left. */
  override async alarm(): Promise<void> {
    // The alarm is rare: it reads the privacy marker from storage rather than trusting the copy.
    this.#privacyState = undefined;
    const privacy = this.#privacy();
    if (privacy?.until !== undefined && this.#cache().roster.size === 0) {
      // An ended private room's marker outlived its tickets: now nothing remains.
      if (Date.now() >= privacy.until) {
        await this.ctx.storage.deleteAll();
        this.#privacyState = null;
        this.#alarm = null;
      } else {
        await this.ctx.storage.setAlarm(privacy.until);
        this.#alarm = privacy.until;
      }
      return;
    }
    const state = this.#state();
    this.#perform(state.room, expire(state, this.#context(), Date.now()));
    if (this.#wipe) {
      await this.#wipeStorage();
      return;
    }
    const next = this.#wake;
    this.#wake = undefined;
    if (next === undefined) return;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.#alarm = next;
    this.#wantAlarm = null;
  }

  /** Who is here and when the room last spoke; joins nothing. */
  async info(room: string): Promise<RoomInfo> {
    const { roster } = this.#cache();
    await this.#scheduleAlarm();
    return {
      room,
      userCount: roster.size,
      users: [...roster.values()].sort((a, b) => a.connectedAt - b.connectedAt).map((m) => m.username),
      lastMessageAt: this.#history.lastMessageAt(),
    };
  }

  /** A page of scrollback, oldest first: before an id (older), or after one (filling a gap). */
  async historyPage(before: number | undefined, limit: number, after?: number) {
    const size = Math.min(Math.max(1, limit), HISTORY_PAGE_MAX);
    return after === undefined ? this.#history.page(before, size) : this.#history.pageAfter(after, size);
  }

  /** A socket went away without the room closing it: its member loses a connection. */
  async #depart(ws: WebSocket): Promise<void> {
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    // After waking, the rebuild finds this socket closed and starts the member's grace itself.
    const { sockets } = this.#cache();
    writeAttachment(ws, { ...attachment, left: true });
    if (sockets.get(attachment.conn) === ws) {
      this.#drop(attachment.conn);
      const state = this.#state();
      this.#perform(state.room, disconnect(state, this.#context(), attachment.conn, Date.now()));
      // This socket may have held the member's freshest counters: another tab keeps them now.
      this.#keepCounters(attachment.session);
    } else {
      // The rebuild found this socket closing and stored its member's away mark: the log line goes with the next flush.
      this.#scheduleFlush();
    }
    await this.#scheduleAlarm();
  }

  /** The later of a connection's last frame and the runtime's last answer to its heartbeat. */
  #lastActive(conn: string): number {
    const { sockets, seen } = this.#cache();
    const ws = sockets.get(conn);
    const heartbeat = ws ? (this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0) : 0;
    return Math.max(seen.get(conn) ?? 0, heartbeat);
  }

  /** When a member next needs the alarm: the end of its grace, or when its quietest tab falls idle. */
  #deadlineOf(member: Member): number {
    return member.awayUntil ?? idleDeadline(member, (c) => this.#lastActive(c), this.#config.idleTimeoutMs);
  }

  /** A connection the room no longer sends to or counts. */
  #drop(conn: string): void {
    const { sockets, seen } = this.#cache();
    sockets.delete(conn);
    seen.delete(conn);
  }

  /**
   * Writes a member's counters into one of its sockets' attachments: the one
   * the frame came on when it is still open, else any other. One write per
   * frame, however many tabs the member has. A socket that refuses is closed
   * by `writeAttachment` and leaves now, so no connection goes on that the
   * room would forget on waking.
   */
  #keepCounters(session: string, preferred?: string): void {
    const { roster, sockets, seen } = this.#cache();
    const member = roster.get(session);
    if (!member) return;
    const conn = preferred !== undefined && member.conns.includes(preferred) ? preferred : member.conns[0];
    const ws = conn === undefined ? undefined : sockets.get(conn);
    if (conn === undefined || !ws) return;
    const kept = writeAttachment(ws, {
      conn,
      session,
      seen: seen.get(conn) ?? member.lastSeen,
      counters: countersOf(member),
    });
    if (kept) return;
    this.#log(this.#roomName(), { event: "attachment_failed", username: member.username });
    this.#drop(conn);
    const state = this.#state();
    this.#perform(state.room, disconnect(state, this.#context(), conn, Date.now()));
  }

  /**
   * One alarm serves every deadline: idle members and ends of grace. An idle
   * deadline only moves later with activity, so an alarm already set is
   * early enough for those; a new grace may need it sooner. The alarm
   * handler moves it to the next real deadline. An empty room keeps no alarm.
   */
  async #scheduleAlarm(): Promise<void> {
    if (this.#wipe) {
      await this.#wipeStorage();
      return;
    }
    const want = this.#wantAlarm;
    const empty = this.#cache().roster.size === 0;
    if (want === null && !empty) return;
    this.#wantAlarm = null;
    if (this.#alarm === undefined) this.#alarm = await this.ctx.storage.getAlarm();
    if (empty) {
      // An ended private room's alarm is what removes its closed marker: that one stays.
      if (this.#privacy()?.until !== undefined) return;
      if (this.#alarm !== null) await this.ctx.storage.deleteAlarm();
      this.#alarm = null;
    } else if (want !== null && (this.#alarm === null || want < this.#alarm)) {
      await this.ctx.storage.setAlarm(want);
      this.#alarm = want;
    }
  }

  /**
   * A private room whose last person has left keeps nothing: history, DMs,
   * members, sent ids, its closed flag and its alarm all go. What remains is
   * an object that looks never used.
   */
  async #wipeStorage(): Promise<void> {
    this.#wipe = false;
    this.#flush();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#history.forget();
    this.#sent.forget();
    this.#stored.forget();
    this.#bans.forget();
    // Until the room's tickets have expired, a closed marker keeps a ticket from opening it again;
    // the alarm then removes that too.
    const until = Date.now() + TICKET_TTL_MS;
    this.#setPrivacy({ closed: true, until });
    await this.ctx.storage.setAlarm(until);
    this.#alarm = until;
    this.#wantAlarm = null;
    this.#log(this.#roomName(), { event: "room_deleted" });
    this.#logs.flush();
  }

  #wantAlarmBy(deadline: number): void {
    if (this.#wantAlarm === null || deadline < this.#wantAlarm) this.#wantAlarm = deadline;
  }

  /**
   * Members and their sockets, rebuilt after the object wakes or restarts:
   * who is a member comes from SQLite, their connections and freshest
   * counters from the attachments of open sockets. A member with no open
   * socket (it closed while the object slept, or the process restarted) is
   * away: it gets the reconnect grace and leaves properly when the alarm
   * finds it expired. An open socket the room cannot place is closed, so
   * its client reconnects rather than talk to a room that ignores it.
   */
  #cache(): Members {
    if (this.#members) return this.#members;
    const now = Date.now();
    const stored = new Map(this.#stored.all().map((m) => [m.session, m]));
    const conns = new Map<string, string[]>();
    const copies = new Map<string, Counters[]>();
    const sockets = new Map<string, WebSocket>();
    const ids = new WeakMap<WebSocket, string>();
    const seen = new Map<string, number>();
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = readAttachment(ws);
      if (attachment?.left) continue;
      // Closing sockets are not connections any more, whatever getWebSockets() says.
      if (ws.readyState !== WebSocket.OPEN) {
        if (attachment) writeAttachment(ws, { ...attachment, left: true });
        continue;
      }
      if (!attachment || !stored.has(attachment.session)) {
        this.#log(this.#roomName(), { event: "unplaced_socket" });
        try {
          ws.close(1011, "the room lost this connection; reconnect");
        } catch {
          // Closing already.
        }
        continue;
      }
      const { conn, session } = attachment;
      conns.set(session, [...(conns.get(session) ?? []), conn]);
      copies.set(session, [...(copies.get(session) ?? []), attachment.counters]);
      sockets.set(conn, ws);
      ids.set(ws, conn);
      seen.set(conn, attachment.seen);
    }
    this.#members = { roster: new Roster(), sockets, ids, seen };
    const { roster } = this.#members;
    for (const row of stored.values()) {
      const open = conns.get(row.session) ?? [];
      // Storage has the newest name, role and away mark; the freshest copy of the counters wins.
      const counters = freshest([countersOf({ ...row, conns: [] }), ...(copies.get(row.session) ?? [])]);
      const member: Member = { ...row, ...counters, conns: open };
      if (open.length > 0) delete member.awayUntil;
      else if (member.awayUntil === undefined) {
        member.awayUntil = now + this.#config.reconnectGraceMs;
        this.#stored.save(member);
        // Its socket closed while the room slept (or the process restarted): away, as any other drop is.
        this.#log(this.#roomName(), { event: "away", username: member.username });
      }
      roster.add(member);
      this.#wantAlarmBy(this.#deadlineOf(member));
    }
    this.#stored.commit();
    return this.#members;
  }

  /** Limits, bans, privacy and history identity as they are now; all kept in storage. */
  #context(): RoomContext {
    return {
      config: this.#config,
      banOn: (username, session) => this.#bans.banOn(username, session, Date.now()),
      listBans: () => this.#bans.list(Date.now()),
      privacy: this.#privacy(),
      epoch: () => this.#history.epoch(),
      findSent: (session, clientId) => this.#sent.find(session, clientId, Date.now()),
      findMessage: (id) => this.#history.findMessage(id),
      reactionOf: (id, emoji, session) => this.#history.reactionOf(id, emoji, session),
      lastActive: (conn) => this.#lastActive(conn),
    };
  }

  #privacy(): Privacy | null {
    if (this.#privacyState === undefined) this.#privacyState = this.ctx.storage.kv.get<Privacy>(PRIVACY_KEY) ?? null;
    return this.#privacyState;
  }

  #setPrivacy(privacy: Privacy): void {
    this.ctx.storage.kv.put(PRIVACY_KEY, privacy);
    this.#privacyState = privacy;
  }

  #roomName(url?: URL): string {
    return this.ctx.id.name ?? decodeURIComponent(url?.pathname.split("/")[2] ?? "");
  }

  #state(room = this.#roomName()): RoomState {
    return { room, lastId: this.#history.lastId(), roster: this.#cache().roster };
  }

  /**
   * Performs one event's effects. An event that records anything (a notice,
   * a message, a DM, a sent id, a ban, a reaction, new ids) commits it with
   * every member row waiting, as one transaction, so a restart finds all of
   * it or none of it: never a leave notice stored while its member's row is
   * still there to be given a grace and leave again. An event that changes
   * only member rows (a crowd's arrivals and departures, told in `presence`
   * and never stored; an away mark) leaves them for the flush, which writes
   * a storm's rows in a few statements: nothing stored refers to them, and a
   * restart before then finds the room as it was before those events.
   */
  #perform(room: string, { state: { lastId }, effects }: Outcome): void {
    const records = lastId !== this.#history.lastId() || effects.some((e) => RECORDING.has(e.kind));
    if (records) {
      this.ctx.storage.transactionSync(() => {
        for (const effect of effects) this.#apply(room, effect);
        this.#history.settle(lastId);
        this.#stored.commit();
      });
    } else {
      for (const effect of effects) this.#apply(room, effect);
    }
    this.#scheduleFlush();
  }

  /** Flushes now when the room is quiet; in a busy room, at the end of the coalescing interval. */
  #scheduleFlush(): void {
    const sends = !this.#outbox.isEmpty;
    if (!sends && this.#logs.isEmpty && !this.#stored.hasPending) return;
    const now = Date.now();
    // Work nobody waits for (log lines, member rows no record refers to:
    // someone's tab closed) waits for company, so a crowd dropping at once is
    // a few grouped lines and multi-row writes rather than one per leaver.
    const due = sends
      ? this.#lastFlush + this.#outbox.delayMs(this.#cache().sockets.size)
      : this.#lastQuietFlush + QUIET_BATCH_MS;
    if (due <= now) {
      this.#flush();
      return;
    }
    // A flush already due sooner stays; a chat message brings a presence-only wait forward.
    if (this.#flushTimer !== undefined && this.#flushDue <= due) return;
    clearTimeout(this.#flushTimer);
    this.#flushDue = due;
    this.#flushTimer = setTimeout(() => this.#flush(), due - now);
  }

  /** Sends what is waiting: to each connection, one frame or one array of frames. */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#lastQuietFlush = Date.now();
    this.#stored.commit();
    this.#logs.flush();
    if (this.#outbox.isEmpty) return;
    const { sockets } = this.#cache();
    this.#outbox.drain(
      sockets.keys(),
      (conn, text) => {
        const ws = sockets.get(conn);
        if (ws) send(ws, text);
      },
      (limit) => this.#peopleText(limit),
    );
    this.#lastFlush = Date.now();
  }

  /** The `users` reply as the room stands now (see `PeopleLists`). */
  #peopleText(limit: number | undefined): string {
    return this.#people.text(this.#cache().roster, limit);
  }

  /**
   * A frame for one connection: at once when nothing queued would reach it
   * first (a joiner's welcome and history, a reply in a quiet moment), or
   * queued behind what would, so its frames keep their order.
   */
  #sendTo(conn: string, text: string, urgency: Urgency): void {
    this.#sendAll(conn, [text], urgency);
  }

  /** Frames for one connection in order: queued one by one, or at once as one message. */
  #sendAll(conn: string, texts: readonly string[], urgency: Urgency): void {
    if (this.#outbox.hasPendingFor(conn)) {
      for (const text of texts) this.#outbox.send(conn, text, urgency);
      return;
    }
    const ws = this.#cache().sockets.get(conn);
    if (ws) send(ws, asMessage(texts));
  }

  #apply(room: string, effect: Effect): void {
    const { roster, sockets } = this.#cache();
    switch (effect.kind) {
      case "send":
        this.#sendTo(effect.to, textOf(effect.frame), urgencyOf(effect.frame));
        return;
      case "users":
        this.#outbox.users(effect.to, effect.limit);
        return;
      case "broadcast": {
        const { frame } = effect;
        this.#outbox.broadcast(textOf(frame), urgencyOf(frame), frame.type === ServerType.userCount, effect.except);
        return;
      }
      case "presence":
        this.#outbox.presence(effect);
        return;
      case "record":
        this.#history.append(effect.frame, textOf(effect.frame), effect.author ?? null);
        return;
      case "revise":
        this.#history.revise(effect.frame, textOf(effect.frame));
        return;
      case "react":
        this.#history.react(effect);
        return;
      case "recordDm":
        this.#history.appendDm(effect.frame, effect.from, effect.to, textOf(effect.frame));
        return;
      case "remember":
        this.#sent.remember(effect.session, effect.clientId, effect.id, effect.ts);
        return;
      case "replay": {
        const texts = this.#history.replayText(effect.since, effect.session, effect.reset);
        if (effect.welcome) texts.unshift(textOf(effect.welcome));
        this.#sendAll(effect.to, texts, "presence");
        return;
      }
      case "close": {
        // A kicked or banned person reads the notice about them before the close.
        this.#flush();
        const ws = sockets.get(effect.to);
        if (!ws) return;
        this.#drop(effect.to);
        const attachment = readAttachment(ws);
        if (attachment) writeAttachment(ws, { ...attachment, left: true });
        try {
          ws.close(effect.code, effect.reason);
        } catch {
          // Already closing.
        }
        return;
      }
      case "add":
        roster.add(effect.member);
        this.#stored.save(effect.member);
        // What is already waiting was sent before this member arrived (it is in their history).
        for (const conn of effect.member.conns) this.#outbox.joined(conn);
        this.#wantAlarmBy(effect.member.lastSeen + this.#config.idleTimeoutMs);
        return;
      case "remove": {
        const member = roster.get(effect.session);
        roster.remove(effect.session);
        this.#stored.remove(effect.session);
        for (const conn of member?.conns ?? []) this.#drop(conn);
        return;
      }
      case "update": {
        const { member } = effect;
        const before = roster.get(member.session);
        // Only members still here are updated; one let go this turn was removed first.
        if (!before) return;
        roster.update(member);
        for (const conn of member.conns) if (!before.conns.includes(conn)) this.#outbox.joined(conn);
        if (effect.durable) {
          this.#stored.save(member);
          this.#wantAlarmBy(this.#deadlineOf(member));
        }
        return;
      }
      case "ban":
        this.#bans.ban(effect.username, effect.session, Date.now(), effect.until);
        return;
      case "unban":
        this.#bans.unban(effect.username, Date.now());
        return;
      case "closeRoom":
        this.#setPrivacy({ closed: true });
        return;
      case "forget":
        // Performed once the event's effects are done: everything goes, the alarm included.
        this.#wipe = true;
        return;
      case "log":
        this.#log(room, effect.entry);
        return;
      case "refuse":
        // The upgrade's response carries a refusal (see `fetch`): the socket was never the room's.
        return;
      case "wake":
        this.#wake = effect.at;
        return;
      default:
        effect satisfies never;
    }
    effect satisfies never;
  }

  #log(room: string, entry: LogEntry): void {
    this.#logs.add(room, entry);
  }
}

/** Effects that store something others read: their event commits its member rows with them. */
const RECORDING: ReadonlySet<Effect["kind"]> = new Set([
  "record",
  "revise",
  "recordDm",
  "remember",
  "react",
  "ban",
  "unban",
  "closeRoom",
  "forget",
]);

/** The longest log lines and member writes wait for a flush when no frame is waiting. */
const QUIET_BATCH_MS = 1000;

/** HTTP 429 before the upgrade, in the worker's JSON error shape, with `Retry-After` in whole seconds. */
function tooManyJoins(retryAfterMs: number): Response {
  const body = {
    error: { code: ErrorCode.rateLimited, message: "too many joins from your address; try again later", retryAfterMs },
  };
  return Response.json(body, {
    status: 429,
    headers: { "Retry-After": String(Math.ceil(retryAfterMs / 1000)) },
  });
}
