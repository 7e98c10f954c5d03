import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { SentRecord } from "../core/state";

/** How long a `clientId` is remembered: a resend within this long is recognised. */
export const DEDUP_WINDOW_MS = 15 * 60_000;

/**
 * The sends a room has delivered, by session and `clientId`, so a client
 * that resends after a lost ack (a dropped connection, a restart) gets the
 * original id instead of a second copy. In SQLite, so it outlives hibernation
 * and restarts; entries older than the window are pruned as new ones arrive.
 */
export class SentStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  #insertsSincePrune = 0;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "sent", [
      `CREATE TABLE IF NOT EXISTS sent (
        session TEXT NOT NULL,
        client_id TEXT NOT NULL,
        id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (session, client_id)
      ) WITHOUT ROWID`,
      "CREATE INDEX IF NOT EXISTS sent_by_ts ON sent (ts)",
    ]);
  }

  find(session: string, clientId: string, now: number): SentRecord | null {
    if (!this.#table.exists()) return null;
    const row = this.#sql
      .exec<{ id: number; ts: number }>(
        "SELECT id, ts FROM sent WHERE session = ? AND client_id = ?",
        session,
        clientId,
      )
      .toArray()[0];
    // Past the window a clientId is free again, pruned or not: the rule does not depend on when pruning ran.
    return row && now - row.ts < DEDUP_WINDOW_MS ? { id: row.id, ts: row.ts } : null;
  }

  remember(session: string, clientId: string, id: number, ts: number): void {
    this.#table.ensure();
    this.#sql.exec(
      "INSERT OR REPLACE INTO sent (session, client_id, id, ts) VALUES (?, ?, ?, ?)",
      session,
      clientId,
      id,
      ts,
    );
    if (++this.#insertsSincePrune >= 200) {
      this.#insertsSincePrune = 0;
      this.#sql.exec("DELETE FROM sent WHERE ts < ?", ts - DEDUP_WINDOW_MS);
    }
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
  }
}
