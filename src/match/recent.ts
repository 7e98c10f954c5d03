import { LazyTable } from "../room/lazy-table";

/** How long two people who were matched are not matched again. */
export const RECENT_PARTNER_MS = 10 * 60_000;

/**
 * Who each session was matched with lately, so "Next stranger" does not hand
 * a person straight back to the one they just left. Kept in the matchmaker's
 * SQLite (sessions outlive a socket: a reconnect or a reload keeps the list),
 * both ways round, so looking up the newcomer's own list is enough; rows past
 * their time are deleted as new ones come, so the table stays small.
 */
export class RecentPartners {
  readonly #sql: SqlStorage;
  readonly #table: LazyTable;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "recent_partners", [
      "CREATE TABLE IF NOT EXISTS recent_partners (session TEXT NOT NULL, partner TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (session, partner))",
      "CREATE INDEX IF NOT EXISTS recent_partners_until ON recent_partners (until)",
    ]);
  }

  /** The sessions `session` was matched with in the last ten minutes. */
  of(session: string, now: number): Set<string> {
    return new Set(this.until(session, now).keys());
  }

  /** The same sessions, each with when it may be matched with `session` again. */
  until(session: string, now: number): Map<string, number> {
    if (!this.#table.exists()) return new Map();
    const rows = this.#sql
      .exec<{ partner: string; until: number }>(
        "SELECT partner, until FROM recent_partners WHERE session = ? AND until > ?",
        session,
        now,
      )
      .toArray();
    return new Map(rows.map((r) => [r.partner, r.until]));
  }

  /** Two sessions were just matched. */
  matched(a: string, b: string, now: number): void {
    this.#table.ensure();
    this.#sql.exec("DELETE FROM recent_partners WHERE until <= ?", now);
    const until = now + RECENT_PARTNER_MS;
    for (const [session, partner] of [
      [a, b],
      [b, a],
    ]) {
      this.#sql.exec(
        "INSERT OR REPLACE INTO recent_partners (session, partner, until) VALUES (?, ?, ?)",
        session,
        partner,
        until,
      );
    }
  }
}
