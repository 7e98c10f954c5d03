import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { Ceremony } from "../core/ceremony";

/** The ceremonies an address has open, by challenge, and its rate-limit bucket. */
export class CeremonyStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "ceremonies", [
      "CREATE TABLE IF NOT EXISTS ceremonies (challenge TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, expires_at INTEGER NOT NULL)",
    ]);
  }

  /** After the object's storage was wiped. */
  forget(): void {
    this.#table.forget();
  }

  open(challenge: string, ceremony: Ceremony, max: number): void {
    this.#table.ensure();
    this.#sql.exec(
      "INSERT INTO ceremonies (challenge, kind, name, expires_at) VALUES (?, ?, ?, ?)",
      challenge,
      ceremony.kind,
      ceremony.name ?? null,
      ceremony.expiresAt,
    );
    this.#sql.exec(
      "DELETE FROM ceremonies WHERE challenge NOT IN (SELECT challenge FROM ceremonies ORDER BY expires_at DESC LIMIT ?)",
      max,
    );
  }

  /** The ceremony of this challenge, removed as it is read: a challenge answers once. */
  take(challenge: string): Ceremony | null {
    if (!this.#table.exists()) return null;
    const row = this.#sql
      .exec<{ kind: string; name: string | null; expires_at: number }>(
        "SELECT kind, name, expires_at FROM ceremonies WHERE challenge = ?",
        challenge,
      )
      .toArray()[0];
    if (!row) return null;
    this.#sql.exec("DELETE FROM ceremonies WHERE challenge = ?", challenge);
    const kind = row.kind === "claim" || row.kind === "link" ? row.kind : "signin";
    return row.name === null
      ? { kind, expiresAt: row.expires_at }
      : { kind, name: row.name, expiresAt: row.expires_at };
  }

  endExpired(now: number): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("DELETE FROM ceremonies WHERE expires_at <= ?", now);
  }

  /** When the next open ceremony expires; null when none is open. */
  nextExpiry(): number | null {
    if (!this.#table.exists()) return null;
    const row = this.#sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM ceremonies").one();
    return row.at;
  }
}
