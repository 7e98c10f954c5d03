import { type DmFrame, HISTORY_RETENTION, type HistoryFrame, MAX_HISTORY, ServerType } from "../protocol";

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
  #epoch: string | undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS history (
      id INTEGER PRIMARY KEY,
      ts INTEGER NOT NULL,
      type TEXT NOT NULL,
      frame TEXT NOT NULL
    )`);
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    // DMs are kept apart from the room's history: only their two parties may read them.
    sql.exec(`CREATE TABLE IF NOT EXISTS dms (
      id INTEGER PRIMARY KEY,
      from_session TEXT NOT NULL,
      to_session TEXT NOT NULL,
      frame TEXT NOT NULL
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS dms_from ON dms (from_session, id)");
    sql.exec("CREATE INDEX IF NOT EXISTS dms_to ON dms (to_session, id)");
  }

  /**
   * Names this history. Ids start over only when the history is wiped, and
   * the epoch changes with it, so a client resuming with an id from before
   * can tell its `since` means nothing here any more.
   */
  epoch(): string {
    if (this.#epoch === undefined) {
      const row = this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'epoch'").toArray()[0];
      this.#epoch = row?.value ?? this.#newEpoch();
    }
    return this.#epoch;
  }

  #newEpoch(): string {
    const epoch = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)", epoch);
    this.#epoch = epoch;
    return epoch;
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

  /** Stores a DM for its two parties. */
  appendDm(frame: DmFrame, from: string, to: string, text = JSON.stringify(frame)): void {
    this.#sql.exec(
      "INSERT INTO dms (id, from_session, to_session, frame) VALUES (?, ?, ?, ?)",
      frame.payload.id,
      from,
      to,
      text,
    );
    this.#durableId = Math.max(this.#durableId, frame.payload.id);
  }

  /** Forgets everything said here (a private room once both people left), under a new epoch. */
  clear(): void {
    this.#sql.exec("DELETE FROM history");
    this.#sql.exec("DELETE FROM dms");
    this.#ring = [];
    this.#newEpoch();
  }

  /**
   * The `history` frame for a joiner, as JSON built from the entries' stored
   * text: entries newer than `since` (all, when absent), at most
   * `MAX_HISTORY` of the newest, with the joiner's own DMs of the same
   * stretch in id order. `truncated` says entries after `since` (or older
   * scrollback) exist that were not sent.
   */
  replayText(since: number | undefined, session: string, reset = false): string {
    const { entries, truncated } = this.#replayEntries(since);
    const first = entries[0]?.frame.payload.id;
    // DMs of the replayed stretch: after `since`, or from the oldest replayed entry on.
    const floor = since ?? (first === undefined ? 0 : first - 1);
    const dms = this.#sql
      .exec<{ id: number; frame: string }>(
        `SELECT id, frame FROM (
           SELECT id, frame FROM dms WHERE from_session = ?1 AND id > ?2
           UNION SELECT id, frame FROM dms WHERE to_session = ?1 AND id > ?2
         ) ORDER BY id DESC LIMIT ?3`,
        session,
        floor,
        MAX_HISTORY,
      )
      .toArray()
      .reverse();
    const texts: string[] = [];
    let d = 0;
    for (const entry of entries) {
      const id = entry.frame.payload.id;
      while (d < dms.length && (dms[d]?.id ?? 0) < id) texts.push(dms[d++]?.frame ?? "");
      texts.push(entry.text);
    }
    while (d < dms.length) texts.push(dms[d++]?.frame ?? "");
    const flags = reset ? `,"reset":true` : "";
    return `{"type":"${ServerType.history}","payload":{"messages":[${texts.join(",")}],"truncated":${truncated}${flags}}}`;
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

  /** Entries with ids above `after`, oldest first: what fills a gap a resume left. */
  pageAfter(after: number, limit: number): { messages: HistoryFrame[]; hasMore: boolean } {
    const rows = this.#sql
      .exec<{ frame: string }>("SELECT frame FROM history WHERE id > ? ORDER BY id ASC LIMIT ?", after, limit + 1)
      .toArray();
    return { messages: rows.slice(0, limit).map(decode), hasMore: rows.length > limit };
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
    const oldest = this.#sql
      .exec<{ id: number }>("SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?", HISTORY_RETENTION - 1)
      .toArray()[0]?.id;
    if (oldest === undefined) return;
    this.#sql.exec("DELETE FROM history WHERE id < ?", oldest);
    // DMs are kept as far back as the room's scrollback.
    this.#sql.exec("DELETE FROM dms WHERE id < ?", oldest);
  }
}

/** Rows are written only by `append`, from frames this server built. */
function decode(row: { frame: string }): HistoryFrame {
  return JSON.parse(row.frame) as HistoryFrame;
}
