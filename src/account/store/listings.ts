import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";

/**
 * The rooms an account keeps in the directory (v1.9): one row per room it
 * listed, taken before the room is listed and given back when it is
 * unlisted. The account decides each listing in one step, so two rooms
 * listed at once cannot both take the last place.
 */
export class ListingStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "listings", [
      "CREATE TABLE IF NOT EXISTS listings (room TEXT PRIMARY KEY, at INTEGER NOT NULL)",
    ]);
  }

  rooms(): string[] {
    if (!this.#table.exists()) return [];
    return this.#sql
      .exec<{ room: string }>("SELECT room FROM listings ORDER BY at")
      .toArray()
      .map((row) => row.room);
  }

  has(room: string): boolean {
    if (!this.#table.exists()) return false;
    return this.#sql.exec("SELECT 1 FROM listings WHERE room = ?", room).toArray().length > 0;
  }

  count(): number {
    if (!this.#table.exists()) return 0;
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM listings").one().n;
  }

  add(room: string, at: number): void {
    this.#table.ensure();
    this.#sql.exec("INSERT OR IGNORE INTO listings (room, at) VALUES (?, ?)", room, at);
  }

  remove(room: string): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("DELETE FROM listings WHERE room = ?", room);
  }

  forget(): void {
    this.#table.forget();
  }
}
