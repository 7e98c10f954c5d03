import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { PRIVATE_HEADER } from "../http/private-rooms";
import { refusedSocket } from "../http/refused-socket";
import { HISTORY_PAGE_MAX, type ServerFrame, ServerType, SystemEvent } from "../protocol";
import { BanStore } from "./ban-store";
import { type RoomConfig, readConfig } from "./config";
import { answerCode, readAttachment } from "./connections";
import { HistoryStore } from "./history-store";
import {
  type Effect,
  expire,
  join,
  type LogEntry,
  leave,
  type Member,
  nextIdleCheck,
  type RoomContext,
  type RoomState,
  receive,
  type Transition,
} from "./hub";
import { Roster } from "./roster";

/** The room's in-memory view of who is here: rebuilt from the attachments after waking. */
interface Members {
  roster: Roster;
  /** Connection id to socket, for sends. */
  sockets: Map<string, WebSocket>;
  /** Socket to connection id, so a message needs no attachment read to find its sender. */
  ids: WeakMap<WebSocket, string>;
}

/** Storage key of a private room's state; absent in public rooms. */
const PRIVACY_KEY = "privacy";

/**
 * Broadcasts within this long of the previous flush wait for the next one, so
 * a busy room sends each client one frame (a JSON array) per interval instead
 * of one per message. A quiet room flushes at once: no added delay.
 */
const COALESCE_MS = 4;
/** Joins, leaves and counts alone wait longer: a storm of joins becomes a few broadcasts, not one per join. */
const PRESENCE_COALESCE_MS = 100;

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
 * map below are caches: rebuilt from the attachments on the first event after
 * the object wakes, then kept current by the effects, so a message costs the
 * same in a room of 5 or 5,000.
 */
export class ChatRoom extends DurableObject<Env> {
  readonly #history: HistoryStore;
  readonly #bans: BanStore;
  readonly #config: RoomConfig;
  #members: Members | undefined;
  /** Serialized broadcasts not yet sent, oldest first ("" where a newer user count replaced one). */
  #outbox: string[] = [];
  #outboxCount = -1;
  /** Whether the outbox holds only presence (join and leave notices, counts). */
  #presenceOnly = true;
  /** Members who joined while the outbox was not empty: they get only what came after them. */
  #joinedAt = new Map<string, number>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #flushDue = 0;
  #lastFlush = 0;
  /** Log lines waiting for the next flush, where a storm of joins becomes one line per kind. */
  #logbox: Record<string, unknown>[] = [];
  /** The alarm as last read or set; undefined until read after waking. */
  #alarm: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#history = new HistoryStore(ctx.storage.sql);
    this.#bans = new BanStore(ctx.storage.sql);
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
    this.#log(room, { event: "connect" });
    // The worker sets this header only after checking a matchmaker ticket.
    if (request.headers.get(PRIVATE_HEADER) === "1" && !this.#privacy()) {
      this.ctx.storage.kv.put(PRIVACY_KEY, { closed: false });
    }
    const outcome = join(
      this.#state(room),
      this.#context(),
      {
        id: crypto.randomUUID(),
        username: params.get("username"),
        session: params.get("session"),
        newSession: crypto.randomUUID().replaceAll("-", ""),
        since: Number.isSafeInteger(since) && since >= 0 ? since : undefined,
      },
      now,
    );
    // Refused joiners are still accepted, so they read why before the close.
    if (!outcome.ok) {
      this.#log(room, outcome.log);
      this.#scheduleFlush();
      return refusedSocket(outcome.error, outcome.closeCode);
    }
    const { member, transition } = outcome;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(member);
    const members = this.#cache();
    members.sockets.set(member.id, server);
    members.ids.set(server, member.id);
    this.#perform(room, transition);
    await this.#scheduleIdleCheck();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const id = this.#cache().ids.get(ws);
    // Not a member (any more): refused, or already let go and still closing.
    if (id === undefined || !this.#cache().sockets.has(id)) return;
    const state = this.#state();
    const before = state.roster.size;
    this.#perform(state.room, receive(state, this.#context(), id, message, Date.now()));
    if (this.#cache().roster.size !== before) await this.#scheduleIdleCheck();
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
    this.#log(this.#roomName(), { event: "socket_error", username: attachment?.username, message: String(error) });
    await this.#depart(ws);
  }

  /** Evicts idle connections and sets the alarm for the next deadline, if anyone is left. */
  override async alarm(): Promise<void> {
    const { sockets } = this.#cache();
    const lastActive = (m: Member) => {
      const ws = sockets.get(m.id);
      const heartbeat = ws ? (this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0) : 0;
      return Math.max(m.lastSeen, heartbeat);
    };
    const state = this.#state();
    const transition = expire(state, this.#context(), lastActive, Date.now());
    this.#perform(state.room, transition);
    if (transition.nextCheck === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(transition.nextCheck);
    this.#alarm = transition.nextCheck;
  }

  /** Who is here and when the room last spoke; joins nothing and writes nothing. */
  async info(room: string): Promise<RoomInfo> {
    const { roster } = this.#cache();
    return {
      room,
      userCount: roster.size,
      users: [...roster.values()].sort((a, b) => a.connectedAt - b.connectedAt).map((m) => m.username),
      lastMessageAt: this.#history.lastMessageAt(),
    };
  }

  /** A page of scrollback, oldest first. */
  async historyPage(before: number | undefined, limit: number) {
    return this.#history.page(before, Math.min(Math.max(1, limit), HISTORY_PAGE_MAX));
  }

  /** A socket went away without the room closing it: it leaves, and the room is told. */
  async #depart(ws: WebSocket): Promise<void> {
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    ws.serializeAttachment({ ...attachment, left: true });
    const state = this.#state();
    const member = state.roster.get(attachment.id);
    if (!member) return;
    this.#perform(state.room, leave(state, this.#context(), member, Date.now()));
    await this.#scheduleIdleCheck();
  }

  /**
   * One alarm serves every idle deadline. Deadlines only move later with
   * activity, so an alarm already set is never too late; the alarm handler
   * moves it to the next real deadline. An empty room keeps no alarm.
   */
  async #scheduleIdleCheck(): Promise<void> {
    if (this.#alarm === undefined) this.#alarm = await this.ctx.storage.getAlarm();
    // An alarm already set is early enough while anyone is here; nothing to compute.
    if (this.#alarm !== null && this.#cache().roster.size > 0) return;
    const next = nextIdleCheck(this.#cache().roster, (m) => m.lastSeen, this.#config);
    if (next === null) {
      if (this.#alarm !== null) await this.ctx.storage.deleteAlarm();
      this.#alarm = null;
    } else if (this.#alarm === null) {
      await this.ctx.storage.setAlarm(next);
      this.#alarm = next;
    }
  }

  /** Members and their sockets, rebuilt from the attachments after the object wakes. */
  #cache(): Members {
    if (!this.#members) {
      const roster = new Roster();
      const sockets = new Map<string, WebSocket>();
      const ids = new WeakMap<WebSocket, string>();
      for (const ws of this.ctx.getWebSockets()) {
        // Closing sockets are not members any more, whatever getWebSockets() says.
        if (ws.readyState !== WebSocket.OPEN) continue;
        const attachment = readAttachment(ws);
        if (!attachment || attachment.left) continue;
        const { left: _, ...member } = attachment;
        roster.add(member);
        sockets.set(member.id, ws);
        ids.set(ws, member.id);
      }
      this.#members = { roster, sockets, ids };
    }
    return this.#members;
  }

  /** Limits, bans and privacy as they are now; privacy is kept in storage, so it outlives hibernation. */
  #context(): RoomContext {
    return {
      config: this.#config,
      isBanned: (username, session) => this.#bans.isBanned(username, session),
      privacy: this.#privacy(),
    };
  }

  #privacy(): { closed: boolean } | null {
    return this.ctx.storage.kv.get<{ closed: boolean }>(PRIVACY_KEY) ?? null;
  }

  #roomName(url?: URL): string {
    return this.ctx.id.name ?? decodeURIComponent(url?.pathname.split("/")[2] ?? "");
  }

  #state(room = this.#roomName()): RoomState {
    return { room, lastId: this.#history.lastId(), roster: this.#cache().roster };
  }

  #perform(room: string, { lastId, effects }: Transition): void {
    for (const effect of effects) this.#apply(room, effect);
    this.#history.settle(lastId);
    this.#scheduleFlush();
  }

  /** Flushes now when the room is quiet; in a busy room, at the end of the coalescing interval. */
  #scheduleFlush(): void {
    if (this.#outbox.length === 0 && this.#logbox.length === 0) return;
    const now = Date.now();
    const due = this.#lastFlush + (this.#presenceOnly ? PRESENCE_COALESCE_MS : COALESCE_MS);
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

  /** Sends what is waiting to every member: one frame, or one array of frames. */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#flushLogs();
    if (this.#outbox.length === 0) return;
    const batch = (texts: string[]) => {
      const live = texts.filter((t) => t !== "");
      return live.length === 1 ? (live[0] ?? "") : live.length === 0 ? "" : `[${live.join(",")}]`;
    };
    const everyone = batch(this.#outbox);
    const { sockets } = this.#cache();
    for (const [id, ws] of sockets) {
      const start = this.#joinedAt.get(id);
      if (start === undefined) send(ws, everyone);
      else {
        const own = batch(this.#outbox.slice(start));
        if (own) send(ws, own);
      }
    }
    this.#outbox = [];
    this.#outboxCount = -1;
    this.#presenceOnly = true;
    this.#joinedAt.clear();
    this.#lastFlush = Date.now();
  }

  /** Whether broadcasts this member should see first are still waiting. */
  #hasPendingFor(id: string): boolean {
    return this.#outbox.length > (this.#joinedAt.get(id) ?? 0);
  }

  #apply(room: string, effect: Effect): void {
    const { roster, sockets } = this.#cache();
    switch (effect.kind) {
      case "send": {
        // Whatever was broadcast before this goes first, so each client sees frames in order.
        if (this.#hasPendingFor(effect.to)) this.#flush();
        const ws = sockets.get(effect.to);
        if (ws) send(ws, textOf(effect.frame));
        return;
      }
      case "broadcast": {
        // Serialized once, whatever the room's size. A newer user count replaces one still waiting.
        const { frame } = effect;
        if (frame.type === ServerType.userCount) {
          if (this.#outboxCount >= 0) this.#outbox[this.#outboxCount] = "";
          this.#outboxCount = this.#outbox.length;
        } else if (!(frame.type === ServerType.system && PRESENCE_EVENTS.has(frame.payload.event))) {
          this.#presenceOnly = false;
        }
        this.#outbox.push(textOf(frame));
        return;
      }
      case "record":
        this.#history.append(effect.frame, textOf(effect.frame));
        return;
      case "replay": {
        if (this.#hasPendingFor(effect.to)) this.#flush();
        const ws = sockets.get(effect.to);
        if (ws) send(ws, this.#history.replayText(effect.since));
        return;
      }
      case "close": {
        // A kicked or banned person reads the notice about them before the close.
        this.#flush();
        const ws = sockets.get(effect.to);
        if (!ws) return;
        const attachment = readAttachment(ws);
        if (attachment) ws.serializeAttachment({ ...attachment, left: true });
        try {
          ws.close(effect.code, effect.reason);
        } catch {
          // Already closing.
        }
        return;
      }
      case "add":
        roster.add(effect.member);
        // What is already waiting was sent before this member arrived (it is in their history).
        if (this.#outbox.length > 0) this.#joinedAt.set(effect.member.id, this.#outbox.length);
        return;
      case "remove":
        roster.remove(effect.id);
        sockets.delete(effect.id);
        return;
      case "update": {
        // Only members still here are updated; one let go this turn was removed first.
        const ws = sockets.get(effect.member.id);
        if (!ws) return;
        roster.update(effect.member);
        ws.serializeAttachment(effect.member);
        return;
      }
      case "ban":
        this.#bans.ban(effect.username, effect.session, Date.now());
        return;
      case "unban":
        this.#bans.unban(effect.username);
        return;
      case "closeRoom":
        this.ctx.storage.kv.put(PRIVACY_KEY, { closed: true });
        return;
      case "forget":
        this.#history.clear();
        return;
      case "log":
        this.#log(room, effect.entry);
        return;
    }
  }

  #log(room: string, entry: LogEntry): void {
    this.#logbox.push({ ...entry, room });
  }

  /**
   * Writes the waiting log lines: one JSON object per line. Connects, joins
   * and leaves of the same flush share one line (`count`, `usernames`), so a
   * storm of joins does not become thousands of log writes.
   */
  #flushLogs(): void {
    if (this.#logbox.length === 0) return;
    const grouped = new Map<string, Record<string, unknown>[]>();
    for (const entry of this.#logbox) {
      const event = String(entry.event);
      if (!GROUPED_LOG_EVENTS.has(event)) {
        console.log(JSON.stringify(entry));
        continue;
      }
      const group = grouped.get(event) ?? [];
      group.push(entry);
      grouped.set(event, group);
    }
    this.#logbox = [];
    for (const [event, entries] of grouped) {
      const [first] = entries;
      if (entries.length === 1) console.log(JSON.stringify(first));
      else {
        const usernames = entries.flatMap((e) => (typeof e.username === "string" ? [e.username] : []));
        console.log(JSON.stringify({ event, room: first?.room, count: entries.length, usernames }));
      }
    }
  }
}

/** Log events that a busy flush writes as one line with a count. */
const GROUPED_LOG_EVENTS: ReadonlySet<string> = new Set(["connect", "join", "takeover", "leave"]);

/** System events that only say who is here; they may wait longer to be coalesced. */
const PRESENCE_EVENTS: ReadonlySet<string> = new Set([SystemEvent.join, SystemEvent.leave, SystemEvent.partnerLeft]);

/** Each frame is serialized once, however many effects (record, broadcast) carry it. */
const serialized = new WeakMap<object, string>();
function textOf(frame: ServerFrame): string {
  let text = serialized.get(frame);
  if (text === undefined) {
    text = JSON.stringify(frame);
    serialized.set(frame, text);
  }
  return text;
}

/** Sends to open sockets only; a send to one that died a moment ago must not stop the others. */
function send(ws: WebSocket, text: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  try {
    ws.send(text);
  } catch {
    // The close handler will account for it.
  }
}
