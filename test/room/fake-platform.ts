import { DatabaseSync } from "node:sqlite";
import { vi } from "vitest";
import type { ObjectState, ObjectStorage, SmallKv } from "../../src/platform/object-state";
import type { HeldSocket } from "../../src/platform/sockets";
import { nodeSql } from "../store/node-sql";

/** The runtime's `WebSocket.readyState` values, which the room compares with `WebSocket.OPEN` and `CLOSED`. */
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

// Node 20 has no global `WebSocket`; the room only reads its state constants.
if (typeof WebSocket === "undefined") vi.stubGlobal("WebSocket", { CONNECTING: 0, OPEN, CLOSING, CLOSED });

/** A hibernatable socket as the room holds it: it records every text sent to it, and keeps its attachment as a copy. */
export class FakeSocket implements HeldSocket {
  readyState = OPEN;
  /** Every send, in order: one text each, a frame or an array of frames. */
  readonly sent: string[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;
  #attachment: unknown = null;

  send(text: string): void {
    if (this.readyState !== OPEN) throw new Error("send on a socket that is not open");
    this.sent.push(text);
  }

  /** The room closes it: closing until the peer answers. */
  close(code?: number, reason?: string): void {
    if (this.readyState === CLOSED) throw new Error("close on a closed socket");
    this.closedWith = { code, reason };
    this.readyState = CLOSING;
  }

  /** The peer is gone (a dropped network, a closed tab, or its answer to the room's close). */
  gone(): void {
    this.readyState = CLOSED;
  }

  get open(): boolean {
    return this.readyState === OPEN;
  }

  // Attachments cross hibernation as copies: what the room keeps is what it wrote, not a live object.
  serializeAttachment(value: unknown): void {
    this.#attachment = structuredClone(value);
  }

  deserializeAttachment(): unknown {
    return structuredClone(this.#attachment);
  }
}

/** Storage on Node's in-memory SQLite, a map for key-value, and one alarm time. */
class FakeStorage implements ObjectStorage {
  readonly #db = new DatabaseSync(":memory:");
  readonly sql = nodeSql(this.#db);
  readonly #values = new Map<string, unknown>();
  readonly kv: SmallKv = {
    // What a key holds is its writer's word, as `SyncKvStorage.get<T>` takes it: the fake's one cast.
    get: <T>(key: string) => structuredClone(this.#values.get(key)) as T | undefined,
    put: <T>(key: string, value: T) => {
      this.#values.set(key, structuredClone(value));
    },
  };
  alarm: number | null = null;

  transactionSync<T>(body: () => T): T {
    this.#db.exec("BEGIN");
    try {
      const result = body();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  async getAlarm(): Promise<number | null> {
    return this.alarm;
  }

  async setAlarm(at: number): Promise<void> {
    this.alarm = at;
  }

  async deleteAlarm(): Promise<void> {
    this.alarm = null;
  }

  async deleteAll(): Promise<void> {
    const tables = this.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
    for (const { name } of tables) this.sql.exec(`DROP TABLE IF EXISTS "${name}"`);
    this.#values.clear();
  }
}

/**
 * A Durable Object's state for the room's parts in plain Node: SQLite,
 * key-value storage, the alarm, and the sockets it accepted. Heartbeats are
 * never answered by the runtime here: a connection's idle clock is its frames.
 */
export class FakeObjectState implements ObjectState {
  readonly storage = new FakeStorage();
  readonly #sockets: FakeSocket[] = [];

  /** One event at a time is all this fake ever runs: the body simply runs. */
  blockConcurrencyWhile<T>(body: () => Promise<T>): Promise<T> {
    return body();
  }

  acceptWebSocket(ws: FakeSocket): void {
    this.#sockets.push(ws);
  }

  getWebSockets(): FakeSocket[] {
    return this.#sockets.filter((ws) => ws.readyState !== CLOSED);
  }

  getWebSocketAutoResponseTimestamp(): Date | null {
    return null;
  }
}
