import { HISTORY_RETENTION, type HistoryFrame, MAX_HISTORY, ServerType } from "../protocol";

/**
 * The room's durable history in the object's SQLite, fronted by an in-memory
 * ring of the newest entries. The ring is only a cache: it is loaded from
 * storage on first use after the object wakes, so hibernation and restarts lose
 * nothing.
 */
export class HistoryStore {
  readonly #sql: SqlStorage;
  /** The newest entries with their JSON, so a join serializes nothing. */
  #ring: { frame: HistoryFrame; text: string }[] | undefined;
  #lastId: number | undefined;
  /** Highest id known to be durable (in `history` or in `meta.last_id`). */
  #durableId = 0;
  #appendsSincePrune = 0;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS history (
      id INTEGER PRIMARY KEY,
      ts INTEGER NOT NULL,
      type TEXT NOT NULL,
      frame TEXT NOT NULL
    )`);
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  /** Highest id ever handed out in this room, including ids of direct messages. */
  lastId(): number {
    if (this.#lastId === undefined) {
      const stored = this.#sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM history").one().id ?? 0;
      const meta = this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'last_id'").toArray()[0];
      this.#lastId = Math.max(stored, Number(meta?.value ?? 0));
      this.#durableId = this.#lastId;
    }
    return this.#lastId;
  }

  /**
   * Records that ids up to `lastId` were handed out. Ids used by direct
   * messages leave no history row, so they are kept in `meta` to stay unique
   * after a restart.
   */
  settle(lastId: number): void {
    this.#lastId = lastId;
    if (lastId > this.#durableId) {
      this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_id', ?)", String(lastId));
      this.#durableId = lastId;
    }
  }

  /** Stores an entry; `text` is its JSON, when the caller already has it. */
  append(frame: HistoryFrame, text = JSON.stringify(frame)): void {
    const { id, ts } = frame.payload;
    this.#sql.exec("INSERT INTO history (id, ts, type, frame) VALUES (?, ?, ?, ?)", id, ts, frame.type, text);
    this.#durableId = Math.max(this.#durableId, id);
    const ring = this.#loadRing();
    ring.push({ frame, text });
    if (ring.length > MAX_HISTORY) ring.shift();
    // Pruning is a range delete on the primary key; doing it every so often keeps appends cheap.
    if (++this.#appendsSincePrune >= 100) this.#prune();
  }

  /** Forgets everything said here (a private room once both people left); ids keep growing. */
  clear(): void {
    this.#sql.exec("DELETE FROM history");
    this.#ring = [];
  }

  /**
   * What a joiner is sent: entries newer than `since` (all, when absent), at
   * most `MAX_HISTORY` of the newest. `truncated` says older entries exist
   * that were not sent: missed entries after a `since`, or scrollback.
   */
  /** The `history` frame for a joiner, as JSON built from the entries' stored text. */
  replayText(since: number | undefined): string {
    const { entries, truncated } = this.#replayEntries(since);
    const messages = entries.map((e) => e.text).join(",");
    return `{"type":"${ServerType.history}","payload":{"messages":[${messages}],"truncated":${truncated}}}`;
  }

  #replayEntries(since: number | undefined) {
    const after = since ?? 0;
    const ring = this.#loadRing();
    const entries = ring.filter((e) => e.frame.payload.id > after);
    const oldest = ring[0]?.frame.payload.id;
    const truncated =
      oldest !== undefined &&
      this.#sql.exec("SELECT 1 FROM history WHERE id > ? AND id < ? LIMIT 1", after, oldest).toArray().length > 0;
    return { entries, truncated };
  }

  /** One page of scrollback: up to `limit` entries older than `before`, oldest first. */
  page(before: number | undefined, limit: number): { messages: HistoryFrame[]; hasMore: boolean } {
    const rows = this.#sql
      .exec<{ frame: string }>(
        "SELECT frame FROM history WHERE id < ? ORDER BY id DESC LIMIT ?",
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(decode), hasMore };
  }

  /** Time of the newest chat message, or null for a room nobody has spoken in. */
  lastMessageAt(): number | null {
    const ring = this.#loadRing();
    for (let i = ring.length - 1; i >= 0; i--) {
      const frame = ring[i]?.frame;
      if (frame?.type === ServerType.chatMessage) return frame.payload.ts;
    }
    // The ring may hold only notices; look further back before saying "never".
    const row = this.#sql.exec<{ ts: number }>(
      "SELECT ts FROM history WHERE type = ? ORDER BY id DESC LIMIT 1",
      ServerType.chatMessage,
    );
    return row.toArray()[0]?.ts ?? null;
  }

  #loadRing(): { frame: HistoryFrame; text: string }[] {
    if (!this.#ring) {
      this.#ring = this.#sql
        .exec<{ frame: string }>("SELECT frame FROM history ORDER BY id DESC LIMIT ?", MAX_HISTORY)
        .toArray()
        .reverse()
        .map((row) => ({ frame: decode(row), text: row.frame }));
    }
    return this.#ring;
  }

  #prune(): void {
    this.#appendsSincePrune = 0;
    this.#sql.exec(
      "DELETE FROM history WHERE id < (SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?)",
      HISTORY_RETENTION - 1,
    );
  }
}

/** Rows are written only by `append`, from frames this server built. */
function decode(row: { frame: string }): HistoryFrame {
  return JSON.parse(row.frame) as HistoryFrame;
}
