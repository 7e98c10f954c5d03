import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { DirectoryPage, DirectoryRoom } from "../../protocol";
import { MAX_ENTRIES, prefixEnd, STALE_MS, SWEEP_MS } from "../core/bounds";

type Row = { room: string; topic: string | null; user_count: number; last_message_at: number | null };

/** The order of "most active": most people first, then the newest message, then by name. */
const ACTIVITY = "ORDER BY user_count DESC, last_message_at DESC NULLS LAST, room";
/** The least active first: what goes when the directory is full. */
const LEAST_ACTIVE = "ORDER BY user_count, last_message_at NULLS FIRST, updated_at, room";
const FRESH = "NOT (user_count = 0 AND updated_at <= ?)";

/**
 * The directory's SQLite: one row per listed room, keyed by name (so a name
 * prefix is a range of the key) and indexed by activity. Bounded: at most
 * `MAX_ENTRIES` rows, and an empty room's row ages out after `STALE_MS`.
 */
export class DirectoryStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  #sweptAt = 0;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "directory", [
      `CREATE TABLE IF NOT EXISTS directory (room TEXT PRIMARY KEY, topic TEXT, user_count INTEGER NOT NULL,
        last_message_at INTEGER, updated_at INTEGER NOT NULL)`,
      "CREATE INDEX IF NOT EXISTS directory_activity ON directory (user_count DESC, last_message_at DESC, room)",
      "CREATE INDEX IF NOT EXISTS directory_empty ON directory (updated_at) WHERE user_count = 0",
    ]);
  }

  /** A room's entry as it reported it, at `now`; a new room past the bound pushes the least active out. */
  put(entry: DirectoryRoom, now: number): void {
    this.#table.ensure();
    const known = this.#sql.exec("SELECT 1 FROM directory WHERE room = ?", entry.room).toArray().length > 0;
    this.#sql.exec(
      "INSERT OR REPLACE INTO directory (room, topic, user_count, last_message_at, updated_at) VALUES (?, ?, ?, ?, ?)",
      entry.room,
      entry.topic,
      entry.userCount,
      entry.lastMessageAt,
      now,
    );
    if (!known) this.#bound();
    this.#sweep(now);
  }

  remove(room: string): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("DELETE FROM directory WHERE room = ?", room);
  }

  /** The most active rooms whose name starts with `prefix` (all, when empty), and whether there are more. */
  list(prefix: string, limit: number, now: number): DirectoryPage {
    if (!this.#table.exists()) return { rooms: [], hasMore: false };
    const cutoff = now - STALE_MS;
    const rows =
      prefix === ""
        ? this.#sql.exec<Row>(`SELECT * FROM directory WHERE ${FRESH} ${ACTIVITY} LIMIT ?`, cutoff, limit + 1)
        : this.#sql.exec<Row>(
            `SELECT * FROM directory WHERE room >= ? AND room < ? AND ${FRESH} ${ACTIVITY} LIMIT ?`,
            prefix,
            prefixEnd(prefix),
            cutoff,
            limit + 1,
          );
    const found = rows.toArray();
    return {
      rooms: found.slice(0, limit).map((row) => ({
        room: row.room,
        topic: row.topic,
        userCount: row.user_count,
        lastMessageAt: row.last_message_at,
      })),
      hasMore: found.length > limit,
    };
  }

  /** How many entries are kept, aged ones included until the next sweep. */
  size(): number {
    if (!this.#table.exists()) return 0;
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM directory").one().n;
  }

  #bound(): void {
    const over = this.size() - MAX_ENTRIES;
    if (over <= 0) return;
    this.#sql.exec(`DELETE FROM directory WHERE room IN (SELECT room FROM directory ${LEAST_ACTIVE} LIMIT ?)`, over);
  }

  /** Drops aged entries, at most once per `SWEEP_MS`: lists skip them meanwhile. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < SWEEP_MS) return;
    this.#sweptAt = now;
    this.#sql.exec("DELETE FROM directory WHERE user_count = 0 AND updated_at <= ?", now - STALE_MS);
  }
}
