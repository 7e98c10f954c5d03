import { hasColumn, LazyTable, tableExists } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import { nameKeys } from "../core/name-skeleton";

/** Most bans a room keeps; past it, expired bans go first, then the oldest. */
export const MAX_BANS = 1000;

export interface BanEntry {
  username: string;
  /** When the ban was made. */
  at: number;
  /** When it ends, or null for good. */
  until: number | null;
}

/**
 * The room's bans, in its SQLite so they outlive restarts. A ban holds a name,
 * matched by look (see `nameKeys`), and, when the person was present, the
 * session they used, so a fresh name from the same browser stays out too; an
 * anonymous person's ban also holds their client address, for as long as it
 * lasts (a signed-in person's ban holds their account, on every device). One
 * row per name: banning a name again replaces its ban. A ban may end by itself.
 */
export class BanStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  #legacyChecked = false;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(
      sql,
      "room_bans",
      [
        `CREATE TABLE IF NOT EXISTS room_bans (
        key1 TEXT PRIMARY KEY,
        key2 TEXT,
        username TEXT NOT NULL,
        session TEXT,
        at INTEGER NOT NULL,
        until INTEGER
      )`,
        "CREATE INDEX IF NOT EXISTS room_bans_key2 ON room_bans (key2)",
        "CREATE INDEX IF NOT EXISTS room_bans_session ON room_bans (session)",
      ],
      (db) => {
        if (!hasColumn(db, "room_bans", "address")) db.exec("ALTER TABLE room_bans ADD COLUMN address TEXT");
        db.exec("CREATE INDEX IF NOT EXISTS room_bans_address ON room_bans (address)");
      },
    );
  }

  /** The ban in force on this name or session; of several, the one that lasts longest, so what is said of it holds. */
  banOn(
    username: string | null,
    session: string | null,
    now: number,
    address: string | null = null,
  ): { until: number | null } | null {
    if (!this.#ready()) return null;
    const keys = username === null ? [] : nameKeys(username);
    const [k1 = null, k2 = k1] = keys;
    const [ban] = this.#sql
      .exec<{ until: number | null }>(
        `SELECT until FROM room_bans WHERE (until IS NULL OR until > ?)
           AND (key1 IN (?, ?) OR key2 IN (?, ?) OR (session IS NOT NULL AND session = ?)
             OR (address IS NOT NULL AND address = ?))
         ORDER BY until IS NULL DESC, until DESC LIMIT 1`,
        now,
        k1,
        k2,
        k1,
        k2,
        session,
        address,
      )
      .toArray();
    return ban ? { until: ban.until } : null;
  }

  ban(
    username: string,
    session: string | null,
    now: number,
    until: number | null = null,
    address: string | null = null,
  ): void {
    this.#table.ensure();
    this.#migrateLegacy();
    const [key1 = username, key2 = null] = nameKeys(username);
    // An address is kept only as long as its ban: those of ended bans are let go now.
    this.#sql.exec(
      "UPDATE room_bans SET address = NULL WHERE address IS NOT NULL AND until IS NOT NULL AND until <= ?",
      now,
    );
    // Banning a name again changes its duration; a session (and address) it already held stays banned.
    this.#sql.exec(
      `INSERT INTO room_bans (key1, key2, username, session, at, until, address) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key1) DO UPDATE SET key2 = excluded.key2, username = excluded.username,
         session = coalesce(excluded.session, room_bans.session), at = excluded.at, until = excluded.until,
         address = coalesce(excluded.address, room_bans.address)`,
      key1,
      key2,
      username,
      session,
      now,
      until,
      address,
    );
    const count = this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM room_bans").one().n;
    if (count > MAX_BANS) {
      // Expired ones first, then the oldest: the newest bans are the ones that matter.
      this.#sql.exec(
        `DELETE FROM room_bans WHERE key1 IN (
           SELECT key1 FROM room_bans ORDER BY (until IS NOT NULL AND until <= ?) DESC, at ASC LIMIT ?
         )`,
        now,
        count - MAX_BANS,
      );
    }
  }

  /** Lifts every ban whose name looks like this one; returns how many there were. */
  unban(username: string, now: number): number {
    if (!this.#ready()) return 0;
    const [k1 = username, k2 = k1] = nameKeys(username);
    const live = this.#sql
      .exec(
        "SELECT 1 FROM room_bans WHERE (key1 IN (?, ?) OR key2 IN (?, ?)) AND (until IS NULL OR until > ?)",
        k1,
        k2,
        k1,
        k2,
        now,
      )
      .toArray().length;
    this.#sql.exec("DELETE FROM room_bans WHERE key1 IN (?, ?) OR key2 IN (?, ?)", k1, k2, k1, k2);
    return live;
  }

  /** The bans in force, oldest first. */
  list(now: number): BanEntry[] {
    if (!this.#ready()) return [];
    return this.#sql
      .exec<{ username: string; at: number; until: number | null }>(
        "SELECT username, at, until FROM room_bans WHERE until IS NULL OR until > ? ORDER BY at ASC",
        now,
      )
      .toArray()
      .map((row) => ({ username: row.username, at: row.at, until: row.until }));
  }

  forget(): void {
    this.#table.forget();
  }

  #ready(): boolean {
    this.#migrateLegacy();
    return this.#table.exists();
  }

  /** Rooms from before bans matched by look kept them in `bans`; they move over once. */
  #migrateLegacy(): void {
    if (this.#legacyChecked) return;
    this.#legacyChecked = true;
    if (!tableExists(this.#sql, "bans")) return;
    const rows = this.#sql
      .exec<{ name_key: string; session: string | null; at: number }>("SELECT name_key, session, at FROM bans")
      .toArray();
    this.#table.ensure();
    for (const row of rows) this.ban(row.name_key, row.session, row.at);
    this.#sql.exec("DROP TABLE bans");
  }
}
