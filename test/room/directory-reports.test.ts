import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NOTHING_CLAIMED } from "../../src/account/claim-lookup";
import type { DirectoryRoom } from "../../src/protocol";
import { DEFAULT_CONFIG } from "../../src/room/config";
import { Room } from "../../src/room/durable/room";
import { FakeObjectState, FakeSocket } from "./fake-platform";

const ROOM = "listed";
const OWNER = "o".repeat(20);
const INTERVAL = 10_000;

/**
 * The real room over the fake platform, listed by its owner (who need not be
 * here), with a directory that records what it is told; time is the test's.
 */
class ListedRoom {
  readonly platform = new FakeObjectState();
  readonly told: (DirectoryRoom | { removed: string })[] = [];
  failing = false;
  room: Room;
  #conns = 0;
  readonly #sockets = new Map<string, FakeSocket>();

  constructor() {
    const { sql } = this.platform.storage;
    sql.exec("CREATE TABLE roles (account_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL)");
    sql.exec("INSERT INTO roles VALUES (?, 'olive', 'owner')", OWNER);
    sql.exec("CREATE TABLE room_settings (id INTEGER PRIMARY KEY CHECK (id = 1), topic TEXT, listed_by TEXT)");
    sql.exec("INSERT INTO room_settings VALUES (1, 'tea', ?)", OWNER);
    this.room = this.#wake();
  }

  /** The object wakes with its memory gone: SQLite, key-value storage and the alarm remain. */
  hibernate(): void {
    this.room.flush.flush();
    this.room = this.#wake();
  }

  async join(username: string): Promise<string> {
    const conn = `c${++this.#conns}`;
    const ws = new FakeSocket();
    this.#sockets.set(conn, ws);
    const request = {
      conn,
      username,
      session: `session-${conn}`,
      newSession: `n-${conn}`,
      since: undefined,
      epoch: undefined,
      author: `a-${conn}`,
    };
    await this.room.admission.join(ROOM, request, false, Date.now(), () => {
      this.platform.acceptWebSocket(ws);
      return [ws, ws];
    });
    return conn;
  }

  async say(conn: string, text: string): Promise<void> {
    const ws = this.#sockets.get(conn);
    if (ws) await this.room.message(ws, text);
  }

  async quit(conn: string): Promise<void> {
    await this.say(conn, "/quit");
  }

  get alarm(): number | null {
    return this.platform.storage.alarm;
  }

  /** The alarm fires if it is due, as the platform would. */
  async alarmIfDue(): Promise<void> {
    const { storage } = this.platform;
    if (storage.alarm === null || storage.alarm > Date.now()) return;
    storage.alarm = null;
    await this.room.alarm();
  }

  #wake(): Room {
    const directory = {
      put: async (entry: DirectoryRoom) => {
        if (this.failing) throw new Error("directory unavailable");
        this.told.push(entry);
      },
      remove: async (room: string) => {
        if (this.failing) throw new Error("directory unavailable");
        this.told.push({ removed: room });
      },
    };
    const config = { ...DEFAULT_CONFIG, reconnectGraceMs: 0, rateLimitBurst: 1000, directoryReportMs: INTERVAL };
    return new Room(this.platform, config, () => ROOM, NOTHING_CLAIMED, directory);
  }
}

describe("a listed room's reports to the directory, through the room's alarm", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 12, 0, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("tell the first change at once, then a busy room's changes once per interval, and nothing when nothing changed", async () => {
    const room = new ListedRoom();
    const t0 = Date.now();
    const alice = await room.join("alice");
    expect(room.alarm).toBe(t0);
    await room.alarmIfDue();
    expect(room.told).toEqual([{ room: ROOM, topic: "tea", userCount: 1, lastMessageAt: null }]);
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(200);
      await room.say(alice, `message ${i}`);
      await room.alarmIfDue();
    }
    expect(room.told).toHaveLength(1);
    expect(room.alarm).toBe(t0 + INTERVAL);
    vi.setSystemTime(t0 + INTERVAL);
    await room.alarmIfDue();
    expect(room.told).toHaveLength(2);
    expect(room.told[1]).toMatchObject({ userCount: 1, lastMessageAt: t0 + 20 * 200 });
    // Nothing new: the alarm is left to the member's idle deadline, and tells nothing.
    expect(room.alarm).toBe(t0 + 20 * 200 + DEFAULT_CONFIG.idleTimeoutMs);
  });

  it("keep a report due across hibernation, and an emptied room wakes once to tell it, then never again", async () => {
    const room = new ListedRoom();
    const alice = await room.join("alice");
    await room.alarmIfDue();
    vi.advanceTimersByTime(1000);
    await room.quit(alice);
    const due = room.alarm;
    expect(due).toBe(Date.now() - 1000 + INTERVAL);
    room.hibernate();
    vi.setSystemTime(due ?? 0);
    await room.alarmIfDue();
    expect(room.told.at(-1)).toMatchObject({ userCount: 0 });
    expect(room.alarm).toBeNull();
  });

  it("try a failed report again an interval later", async () => {
    const room = new ListedRoom();
    room.failing = true;
    await room.join("alice");
    await room.alarmIfDue();
    expect(room.told).toEqual([]);
    expect(room.alarm).toBe(Date.now() + INTERVAL);
    room.failing = false;
    vi.advanceTimersByTime(INTERVAL);
    await room.alarmIfDue();
    expect(room.told).toEqual([expect.objectContaining({ userCount: 1 })]);
  });
});
