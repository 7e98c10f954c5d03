import { hasColumn, LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import { DM_PAIR_RETENTION, DM_RETENTION, type DmFrame } from "../../protocol";

/**
 * Direct messages, kept apart from the room's history: only their two
 * parties may read them. `pair` names the two parties whichever wrote, so
 * each conversation is bounded on its own.
 */
export class DmStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  // Counted in memory, so it starts due: a room that sleeps between every few DMs still prunes.
  #sincePrune = PRUNE_EVERY - 1;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "dms", DMS_TABLE, addPairs);
  }

  /**
   * Stores a DM for its two parties, keeping the newest `DM_PAIR_RETENTION`
   * between them (an indexed delete, as cheap however many there are) and,
   * every so often, the newest `DM_RETENTION` of the room.
   */
  append(frame: DmFrame, from: string, to: string, text = JSON.stringify(frame)): void {
    this.#table.ensure();
    const pair = from < to ? `${from} ${to}` : `${to} ${from}`;
    this.#sql.exec(
      "INSERT INTO dms (id, from_session, to_session, frame, pair) VALUES (?, ?, ?, ?, ?)",
      frame.payload.id,
      from,
      to,
      text,
      pair,
    );
    this.#sql.exec(
      `DELETE FROM dms WHERE pair = ?1 AND id <= (
         SELECT id FROM dms WHERE pair = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2
       )`,
      pair,
      DM_PAIR_RETENTION,
    );
    if (++this.#sincePrune >= PRUNE_EVERY) {
      this.#sincePrune = 0;
      this.#sql.exec(
        "DELETE FROM dms WHERE id <= (SELECT id FROM dms ORDER BY id DESC LIMIT 1 OFFSET ?)",
        DM_RETENTION,
      );
    }
  }

  /**
   * The newest `limit` DMs to or from `session` with ids above `after`, as
   * stored JSON, oldest first; `cut` says older ones past `after` were left out.
   */
  of(session: string, after: number, limit: number): { dms: { id: number; frame: string }[]; cut: boolean } {
    if (!this.#table.exists()) return { dms: [], cut: false };
    const dms = this.#sql
      .exec<{ id: number; frame: string }>(
        `SELECT id, frame FROM (
           SELECT id, frame FROM dms WHERE from_session = ?1 AND id > ?2
           UNION SELECT id, frame FROM dms WHERE to_session = ?1 AND id > ?2
         ) ORDER BY id DESC LIMIT ?3`,
        session,
        after,
        limit + 1,
      )
      .toArray()
      .reverse();
    const cut = dms.length > limit;
    if (cut) dms.shift();
    return { dms, cut };
  }

  /** DMs are kept as far back as the room's chat: older ones go with it. */
  pruneBefore(id: number): void {
    if (this.#table.exists()) this.#sql.exec("DELETE FROM dms WHERE id < ?", id);
  }

  /** A deleted account's DMs keep their text and name, without the mark. */
  unmark(name: string): void {
    if (!this.#table.exists()) return;
    this.#sql.exec(
      `UPDATE dms SET frame = json_remove(frame, '$.payload.verified')
        WHERE json_extract(frame, '$.payload.verified') = 1 AND json_extract(frame, '$.payload.from') = ?`,
      name,
    );
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
  }
}

const DMS_TABLE = [
  `CREATE TABLE IF NOT EXISTS dms (
    id INTEGER PRIMARY KEY,
    from_session TEXT NOT NULL,
    to_session TEXT NOT NULL,
    frame TEXT NOT NULL,
    pair TEXT
  )`,
  "CREATE INDEX IF NOT EXISTS dms_from ON dms (from_session, id)",
  "CREATE INDEX IF NOT EXISTS dms_to ON dms (to_session, id)",
];

/** Rooms from before DMs were bounded per pair: their rows get one, then the index. */
function addPairs(sql: Sql): void {
  if (!hasColumn(sql, "dms", "pair")) {
    sql.exec("ALTER TABLE dms ADD COLUMN pair TEXT");
    sql.exec(
      `UPDATE dms SET pair = CASE WHEN from_session < to_session
         THEN from_session || ' ' || to_session ELSE to_session || ' ' || from_session END`,
    );
  }
  sql.exec("CREATE INDEX IF NOT EXISTS dms_pair ON dms (pair, id)");
}

/** DMs between a room's prunes: the room may hold this many past `DM_RETENTION`, never more. */
const PRUNE_EVERY = 50;
