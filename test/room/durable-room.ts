import { type ClaimLookup, NOTHING_CLAIMED } from "../../src/account/claim-lookup";
import { tableExists } from "../../src/platform/lazy-table";
import { parseServerData, type ServerFrame, ServerType } from "../../src/protocol";
import { DEFAULT_CONFIG, type RoomConfig } from "../../src/room/config";
import { Room } from "../../src/room/durable/room";
import { FakeObjectState, FakeSocket } from "./fake-platform";

const ROOM = "durable-room";

/**
 * The room's Durable Object in plain Node: the real `Room` (the wiring of
 * `Members`, the `FlushSchedule` and its `Coalescer`, the `EffectInterpreter`,
 * `Admission`, the alarm, the stores on SQLite) over a fake platform, driven
 * as `ChatRoom`'s hooks drive it. Left out is what needs workerd: reading the
 * upgrade request and answering it, and the join rate per address.
 *
 * Time is the test's: it runs under fake timers, so the flush timer fires
 * only when the test advances the clock, or when the test flushes as the timer would.
 */
export class DurableRoom {
  readonly platform = new FakeObjectState();
  readonly config: RoomConfig;
  room: Room;
  /** Every socket the room was given, refused ones included, by connection id. */
  readonly wire = new Map<string, FakeSocket>();
  #conns = 0;

  readonly #claims: ClaimLookup;

  /** `claims`: who holds a name's claim, as the accounts would answer; nothing is claimed when absent. */
  constructor(settings: Partial<RoomConfig> = {}, claims: ClaimLookup = NOTHING_CLAIMED) {
    this.config = { ...DEFAULT_CONFIG, ...settings };
    this.#claims = claims;
    this.room = new Room(this.platform, this.config, () => ROOM, claims);
  }

  /** A WebSocket upgrade that passed the door; the client's end and the room's are one fake socket. */
  async join(username: string, session: string, since?: number): Promise<string> {
    const conn = `c${++this.#conns}`;
    const ws = new FakeSocket();
    this.wire.set(conn, ws);
    const request = {
      conn,
      username,
      session,
      newSession: `new-${conn}`,
      since,
      epoch: undefined,
      author: `s-${session}`,
    };
    // A refused joiner reads why on a socket of its own (workerd's), never on this one.
    await this.room.admission.join(ROOM, request, false, Date.now(), () => {
      this.platform.acceptWebSocket(ws);
      return [ws, ws];
    });
    return conn;
  }

  /** A frame on a connection's socket. */
  async receive(conn: string, raw: string): Promise<void> {
    const ws = this.wire.get(conn);
    if (ws) await this.room.message(ws, raw);
  }

  /** The peer is gone (a dropped network, a closed tab), and the runtime says so. */
  async close(conn: string): Promise<void> {
    const ws = this.wire.get(conn);
    if (!ws) return;
    ws.gone();
    await this.room.close(ws, 1006, "");
  }

  /** The flush timer fires. */
  flush(): void {
    this.room.flush.flush();
  }

  /**
   * The object hibernates once nothing waits (its flush timer fired) and
   * wakes for the next event: its memory is gone; SQLite, the alarm and the
   * sockets with their attachments remain.
   */
  hibernate(): void {
    this.flush();
    this.room = new Room(this.platform, this.config, () => ROOM, this.#claims);
  }

  /** The alarm, if it is set and due: the platform clears it and calls the handler. */
  async alarmIfDue(): Promise<void> {
    const { storage } = this.platform;
    if (storage.alarm === null || storage.alarm > Date.now()) return;
    storage.alarm = null;
    await this.room.alarm();
  }

  /** Whether the room still sends to this connection. */
  holds(conn: string): boolean {
    return this.room.members.get().sockets.has(conn);
  }

  /** The frames a connection was sent, arrays spread, in the order they went. */
  frames(conn: string): ServerFrame[] {
    return (this.wire.get(conn)?.sent ?? []).flatMap((text) => parseServerData(text));
  }

  /** The chat messages the room stored, by id: what everyone present is owed. */
  chat(): number[] {
    const { sql } = this.platform.storage;
    if (!tableExists(sql, "history")) return [];
    return sql
      .exec<{ id: number }>("SELECT id FROM history WHERE type = ? ORDER BY id", ServerType.chatMessage)
      .toArray()
      .map((row) => row.id);
  }

  /** The DMs the room stored, by id and the sessions of their two ends: what those two are owed. */
  dms(): { id: number; from: string; to: string }[] {
    const { sql } = this.platform.storage;
    if (!tableExists(sql, "dms")) return [];
    return sql
      .exec<{ id: number; from: string; to: string }>(
        "SELECT id, from_session AS 'from', to_session AS 'to' FROM dms ORDER BY id",
      )
      .toArray();
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
