import { nameKey } from "../protocol";

/**
 * The room's bans, in its SQLite so they outlive restarts. A ban holds a name
 * (compared case-insensitively) and, when the person was present, the session
 * they used, so a fresh name from the same browser stays out too.
 */
export class BanStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS bans (
      name_key TEXT NOT NULL,
      session TEXT,
      at INTEGER NOT NULL
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS bans_by_name ON bans (name_key)");
    sql.exec("CREATE INDEX IF NOT EXISTS bans_by_session ON bans (session)");
  }

  isBanned(username: string | null, session: string | null): boolean {
    return (
      this.#sql
        .exec(
          "SELECT 1 FROM bans WHERE name_key = ? OR (session IS NOT NULL AND session = ?) LIMIT 1",
          username === null ? null : nameKey(username),
          session,
        )
        .toArray().length > 0
    );
  }

  ban(username: string, session: string | null, now: number): void {
    this.#sql.exec("INSERT INTO bans (name_key, session, at) VALUES (?, ?, ?)", nameKey(username), session, now);
  }

  unban(username: string): void {
    this.#sql.exec("DELETE FROM bans WHERE name_key = ?", nameKey(username));
  }
}
