import { parseServerData, type ServerFrame, ServerType } from "../../src/protocol";
import { DEFAULT_CONFIG, type RoomConfig } from "../../src/room/config";
import {
  disconnect,
  expire,
  join,
  type LogEntry,
  type Outcome,
  type RoomContext,
  type RoomState,
  receive,
  refusalOf,
} from "../../src/room/core";
import { AlarmSchedule } from "../../src/room/durable/alarm-schedule";
import { readAttachment, writeAttachment } from "../../src/room/durable/attachment";
import { EffectInterpreter } from "../../src/room/durable/effect-interpreter";
import { FlushSchedule } from "../../src/room/durable/flush-schedule";
import { Members } from "../../src/room/durable/members";
import { PrivacyMarker } from "../../src/room/durable/privacy";
import { PrivateWipe } from "../../src/room/durable/private-wipe";
import { roomContext } from "../../src/room/durable/room-context";
import { BanStore } from "../../src/room/store/bans";
import { HistoryStore } from "../../src/room/store/history";
import { MemberStore } from "../../src/room/store/members";
import { SentStore } from "../../src/room/store/sent";
import { Sequencer } from "../../src/room/store/sequencer";
import { FakeObjectState, FakeSocket } from "./fake-platform";

const ROOM = "durable-room";

/**
 * The room's Durable Object in plain Node: its real parts (`Members`, the
 * `FlushSchedule` and its `Coalescer`, the `EffectInterpreter`, the alarm,
 * the stores on SQLite) wired as `chat-room.ts` wires them, over a fake
 * platform, and driven as its hooks drive them: `join` as `Admission` lets
 * someone in once the request is read, `receive` as `webSocketMessage`,
 * `close` as `webSocketClose`, `alarm` as the alarm. Left out is what needs
 * workerd: the upgrade's request and response, and the join rate per address.
 *
 * Time is the test's: it runs under fake timers, so the flush timer fires
 * only when the test advances the clock, or the test flushes, as the timer would.
 */
export class DurableRoom {
  readonly platform = new FakeObjectState();
  readonly config: RoomConfig;
  readonly members: Members;
  readonly flush: FlushSchedule;
  /** Every socket the room was given, refused ones included, by connection id. */
  readonly wire = new Map<string, FakeSocket>();
  /** Chat message ids and DMs as the effects recorded them: what each person is owed. */
  readonly chat: number[] = [];
  readonly dms: { id: number; from: string; to: string }[] = [];
  readonly #ids: Sequencer;
  readonly #alarms: AlarmSchedule;
  readonly #privacy: PrivacyMarker;
  readonly #wipe: PrivateWipe;
  readonly #context: RoomContext;
  readonly #interpreter: EffectInterpreter;
  #conns = 0;

  constructor(settings: Partial<RoomConfig> = {}) {
    const { storage } = this.platform;
    const config = { ...DEFAULT_CONFIG, ...settings };
    const ids = new Sequencer(storage.sql);
    const history = new HistoryStore(storage.sql, ids);
    const bans = new BanStore(storage.sql);
    const sent = new SentStore(storage.sql);
    const stored = new MemberStore(storage.sql);
    const log = (entry: LogEntry) => this.flush.log(ROOM, entry);
    this.config = config;
    this.#ids = ids;
    this.#alarms = new AlarmSchedule(storage);
    this.#privacy = new PrivacyMarker(storage.kv);
    this.members = new Members(this.platform, stored, config, this.#alarms, log);
    this.flush = new FlushSchedule(this.members, stored);
    this.#wipe = new PrivateWipe(
      storage,
      { ids, history, sent, members: stored, bans },
      this.#privacy,
      this.#alarms,
      this.flush,
      log,
    );
    this.#context = roomContext(config, { bans, history, ids, sent }, this.#privacy, this.members);
    this.#interpreter = new EffectInterpreter({
      storage,
      config,
      ids,
      history,
      sent,
      stored,
      bans,
      members: this.members,
      flush: this.flush,
      alarms: this.#alarms,
      privacy: this.#privacy,
      wipe: this.#wipe,
    });
  }

  /** A WebSocket upgrade that passed the door: the core's `join`, then the socket accepted as `Admission` accepts it. */
  async join(username: string, session: string, since?: number): Promise<string> {
    const conn = `c${++this.#conns}`;
    const now = Date.now();
    const request = { conn, username, session, newSession: `new-${conn}`, since, epoch: undefined };
    const outcome = join(this.#state(), this.#context, request, now);
    const ws = new FakeSocket();
    this.wire.set(conn, ws);
    if (refusalOf(outcome)) {
      // A refused socket only reads why, from a socket of its own: none of the room's frames.
      this.#perform(outcome);
      await this.#settle();
      return conn;
    }
    this.platform.acceptWebSocket(ws);
    this.members.register(conn, ws, now);
    this.flush.coalescer.joined(conn);
    this.#perform(outcome);
    const joined = this.members.get().roster.byConn(conn)?.session;
    if (joined !== undefined) this.#keepCounters(joined, conn);
    await this.#settle();
    return conn;
  }

  /** A frame on a connection's socket (`webSocketMessage`). */
  async receive(conn: string, raw: string): Promise<void> {
    const socket = this.wire.get(conn);
    if (!socket) return;
    const { ids, sockets, seen, roster } = this.members.get();
    const known = ids.get(socket);
    if (known === undefined || !sockets.has(known)) return;
    const now = Date.now();
    seen.set(known, now);
    const session = roster.byConn(known)?.session;
    this.#perform(receive(this.#state(), this.#context, known, raw, now));
    if (session !== undefined) this.#keepCounters(session, known);
    await this.#settle();
  }

  /** The peer is gone, and the runtime says so (`webSocketClose`). */
  async close(conn: string): Promise<void> {
    const ws = this.wire.get(conn);
    if (!ws) return;
    ws.gone();
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    const { sockets } = this.members.get();
    writeAttachment(ws, { ...attachment, left: true });
    if (sockets.get(attachment.conn) === ws) {
      this.members.drop(attachment.conn);
      this.#disconnect(attachment.conn);
      this.#keepCounters(attachment.session);
    } else {
      this.flush.schedule();
    }
    await this.#settle();
  }

  /** The alarm, if it is set and due. */
  async alarmIfDue(): Promise<void> {
    const { storage } = this.platform;
    if (storage.alarm === null || storage.alarm > Date.now()) return;
    storage.alarm = null;
    this.#privacy.reread();
    if (await this.#wipe.endMarker(() => this.members.get().roster.size === 0)) return;
    this.#perform(expire(this.#state(), this.#context, Date.now()));
    if (this.#wipe.due) {
      await this.#wipe.run();
      return;
    }
    await this.#alarms.settleWake();
  }

  /** Whether the room still sends to this connection. */
  holds(conn: string): boolean {
    return this.members.get().sockets.has(conn);
  }

  /** The frames a connection was sent, arrays spread, in the order they went. */
  frames(conn: string): ServerFrame[] {
    return (this.wire.get(conn)?.sent ?? []).flatMap((text) => parseServerData(text));
  }

  #perform(outcome: Outcome): void {
    for (const effect of outcome.effects) {
      if (effect.kind === "record" && effect.frame.type === ServerType.chatMessage)
        this.chat.push(effect.frame.payload.id);
      if (effect.kind === "recordDm") this.dms.push({ id: effect.frame.payload.id, from: effect.from, to: effect.to });
    }
    this.#interpreter.perform(ROOM, outcome);
  }

  #disconnect(conn: string): void {
    this.#perform(disconnect(this.#state(), this.#context, conn, Date.now()));
  }

  #keepCounters(session: string, preferred?: string): void {
    const lost = this.members.keepCounters(session, preferred);
    if (lost !== undefined) this.#disconnect(lost);
  }

  async #settle(): Promise<void> {
    if (this.#wipe.due) {
      await this.#wipe.run();
      return;
    }
    const empty = this.members.get().roster.size === 0;
    await this.#alarms.settle(empty, empty && this.#privacy.get()?.until !== undefined);
  }

  #state(): RoomState {
    return { room: ROOM, lastId: this.#ids.lastId(), roster: this.members.get().roster };
  }
}

/**
 * The ids a connection holds from what it was sent: each chat message, notice
 * and DM, live or in a history replay, in the order they arrived. Acks and
 * updates name ids the connection already has, so they are not counted.
 */
export function idsIn(frames: readonly ServerFrame[]): number[] {
  return frames.flatMap((frame) => {
    switch (frame.type) {
      case ServerType.chatMessage:
      case ServerType.system:
      case ServerType.dm:
        return [frame.payload.id];
      case ServerType.history:
        return frame.payload.messages.map((m) => m.payload.id);
      default:
        return [];
    }
  });
}
