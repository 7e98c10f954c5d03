import type { HeldSocket } from "./sockets";
import type { Sql } from "./sql";

/**
 * The little of a Durable Object's storage the room uses. Cloudflare's
 * `DurableObjectStorage` has this shape as it is, so the object hands it over
 * unchanged; tests hand over Node's SQLite and a map behind the same shape,
 * so the room's parts run outside workerd too.
 */
export interface ObjectStorage {
  sql: Sql;
  kv: SmallKv;
  transactionSync<T>(body: () => T): T;
  getAlarm(): Promise<number | null>;
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
  deleteAll(): Promise<void>;
}

/** Synchronous key-value storage, for a few small values. */
export interface SmallKv {
  get<T>(key: string): T | undefined;
  put<T>(key: string, value: T): void;
}

/** The little of a Durable Object's state the room uses: its storage and the sockets it holds. */
export interface ObjectState {
  storage: ObjectStorage;
  /** Holds a socket across hibernation. */
  acceptWebSocket(ws: HeldSocket): void;
  getWebSockets(): HeldSocket[];
  /** Runs `body` with no other event delivered to the object until it settles. */
  blockConcurrencyWhile<T>(body: () => Promise<T>): Promise<T>;
  /** When the runtime last answered this socket's heartbeat without waking the object. */
  getWebSocketAutoResponseTimestamp(ws: HeldSocket): Date | null;
}
