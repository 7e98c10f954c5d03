import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import { START_WINDOW_MS, type Start } from "../core/conversation-starts";

/**
 * The conversations an account started within the last hour (v1.9): one row
 * per person, kept only while it counts and never more than the limit, so the
 * table stays as small as the limit whatever the account tries.
 */
export class ConversationStartStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "conversation_starts", [
      "CREATE TABLE IF NOT EXISTS conversation_starts (peer_id TEXT PRIMARY KEY, at INTEGER NOT NULL)",
    ]);
  }

  starts(): Start[] {
    if (!this.#table.exists()) return [];
    return this.#sql
      .exec<{ peer_id: string; at: number }>("SELECT peer_id, at FROM conversation_starts")
      .toArray()
      .map((row) => ({ peerId: row.peer_id, at: row.at }));
  }

  /** Keeps a start; drops those out of the window, and all but the newest `max`. */
  add(peerId: string, at: number, max: number): void {
    this.#table.ensure();
    this.#sql.exec("INSERT OR REPLACE INTO conversation_starts (peer_id, at) VALUES (?, ?)", peerId, at);
    this.#sql.exec("DELETE FROM conversation_starts WHERE at <= ?", at - START_WINDOW_MS);
    this.#sql.exec(
      `DELETE FROM conversation_starts WHERE peer_id IN
         (SELECT peer_id FROM conversation_starts ORDER BY at DESC LIMIT -1 OFFSET ?)`,
      max,
    );
  }

  forget(): void {
    this.#table.forget();
  }
}
