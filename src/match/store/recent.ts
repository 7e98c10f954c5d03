import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";

/** How long two people who were matched are not matched again. */
export const RECENT_PARTNER_MS = 10 * 60_000;

/**
 * Who each session was matched with lately, so "Next stranger" does not hand
 * a person straight back to the one they just left. Kept in the matchmaker's
 * SQLite (sessions outlive a socket: a reconnect or a reload keeps the list),
 * both ways round, so looking up the newcomer's own list is enough; rows past
 * their time are deleted as new ones come, so the table stays small.
 */
/** Bound values per statement stay under the platform's limit of 100. */
const SESSIONS_PER_QUERY = 90;

export class RecentPartners {
  readonly #sql: Sql;
  readonly #table: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "recent_partners", [
      "CREATE TABLE IF NOT EXISTS recent_partners (session TEXT NOT NULL, partner TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (session, partner))",
      "CREATE INDEX IF NOT EXISTS recent_partners_until ON recent_partners (until)",
    ]);
  }

  /**
   * For each of `sessions`, those of `sessions` it was matched with in the
   * last ten minutes: one statement per hundred sessions, however many wait,
   * rather than one per person each time the line moves.
   */
  among(sessions: readonly string[], now: number): Map<string, Set<string>> {
    const found = new Map<string, Set<string>>();
    if (!this.#table.exists() || sessions.length < 2) return found;
    const waiting = new Set(sessions);
    const unique = [...waiting];
    for (let i = 0; i < unique.length; i += SESSIONS_PER_QUERY) {
      const chunk = unique.slice(i, i + SESSIONS_PER_QUERY);
      const rows = this.#sql
        .exec<{ session: string; partner: string }>(
          `SELECT session, partner FROM recent_partners WHERE until > ? AND session IN (${chunk.map(() => "?").join(",")})`,
          now,
          ...chunk,
        )
        .toArray();
      for (const { session, partner } of rows) {
        if (!waiting.has(partner)) continue;
        const partners = found.get(session) ?? new Set<string>();
        partners.add(partner);
        found.set(session, partners);
      }
    }
    return found;
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
    const pairs: [string, string][] = [
      [a, b],
      [b, a],
    ];
    for (const [session, partner] of pairs) {
      this.#sql.exec(
        "INSERT OR REPLACE INTO recent_partners (session, partner, until) VALUES (?, ?, ?)",
        session,
        partner,
        until,
      );
    }
  }
}
