import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { RoomFile, UploadSlot } from "../core/state";
import { UPLOAD_SLOT_MS } from "../core/uploads";

/** How long a stored file may wait to be sent in a message before it is deleted. */
export const UNSENT_FILE_MS = 24 * 60 * 60_000;

/**
 * How long past its slot's expiry an upload begun in time may take to end. A
 * slot taken longer ago holds no place in the quota, and bytes that arrive
 * after that find no slot to be the room's file.
 */
export const UPLOAD_FINISH_MS = 60 * 60_000;

/** When a deletion R2 refused is tried again. */
export const PURGE_RETRY_MS = 60_000;

/** A file stored in R2 for this room, as the upload found it: its id, its size, and the type its bytes showed. */
export interface StoredFile {
  id: string;
  size: number;
  type: string;
}

type Row = {
  token: string;
  session: string;
  name: string;
  size: number;
  expires: number;
  state: string;
  file_id: string | null;
};

/**
 * v1.10: the room's upload slots, and the file each one brought once stored.
 * A slot is the room's own word: the worker holds only its token, so a token
 * from another room finds nothing here. Slots that brought no file are deleted
 * once expired (a taken one once its upload could no longer end), when the
 * next one is granted; a stored file's row stays, since it is what ties the
 * object in R2 to this room and the person who sent it, and is marked `gone`
 * (not deleted) until its object is gone from R2 too.
 */
export class UploadStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  /** Whether rows marked to go may be waiting for their objects to be deleted; unknown until asked. */
  #mayHaveGoing: boolean | undefined;
  /** When the oldest file not sent in a message is a day old (null: there is none); unknown until asked. */
  #unsentDue: number | null | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(
      sql,
      "uploads",
      [
        `CREATE TABLE IF NOT EXISTS uploads (token TEXT PRIMARY KEY, session TEXT NOT NULL, name TEXT NOT NULL,
        size INTEGER NOT NULL, expires INTEGER NOT NULL, state TEXT NOT NULL, file_id TEXT, type TEXT,
        message_id INTEGER)`,
        "CREATE UNIQUE INDEX IF NOT EXISTS uploads_file ON uploads (file_id) WHERE file_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS uploads_message ON uploads (message_id) WHERE message_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS uploads_session ON uploads (session)",
      ],
      (db) => {
        // A table made before files went into messages has no column for the message.
        const columns = db.exec<{ name: string }>("SELECT name FROM pragma_table_info('uploads')").toArray();
        if (columns.some((c) => c.name === "message_id")) return;
        db.exec("ALTER TABLE uploads ADD COLUMN message_id INTEGER");
        db.exec("CREATE UNIQUE INDEX IF NOT EXISTS uploads_file ON uploads (file_id) WHERE file_id IS NOT NULL");
        db.exec("CREATE INDEX IF NOT EXISTS uploads_message ON uploads (message_id) WHERE message_id IS NOT NULL");
      },
    );
  }

  grant(slot: UploadSlot): void {
    this.#table.ensure();
    // Slots that expired without a file (never used, or their upload failed or can no longer end) are of no use.
    const now = slot.expiresAt - UPLOAD_SLOT_MS;
    this.#sql.exec(
      "DELETE FROM uploads WHERE (state = 'open' AND expires <= ?) OR (state = 'taken' AND expires <= ?)",
      now,
      now - UPLOAD_FINISH_MS,
    );
    this.#sql.exec(
      "INSERT INTO uploads (token, session, name, size, expires, state) VALUES (?, ?, ?, ?, ?, ?)",
      slot.token,
      slot.session,
      slot.name,
      slot.size,
      slot.expiresAt,
      slot.state,
    );
  }

  find(token: string): UploadSlot | null {
    if (!this.#table.exists()) return null;
    const row = this.#sql
      .exec<Row>("SELECT token, session, name, size, expires, state, file_id FROM uploads WHERE token = ?", token)
      .toArray()[0];
    if (!row) return null;
    // A slot whose file went with its message was used all the same.
    const state = row.state === "open" || row.state === "taken" ? row.state : "stored";
    return { token, session: row.session, name: row.name, size: row.size, expiresAt: row.expires, state };
  }

  /** The slot's state moves on (open to taken); only ever forward, so a token is spent once. */
  mark(token: string, state: UploadSlot["state"]): void {
    this.#sql.exec("UPDATE uploads SET state = ? WHERE token = ?", state, token);
  }

  /**
   * The bytes of a taken slot are in R2: the file is the room's. False when
   * the slot is no longer there to take it (its upload ended too late): then
   * the object belongs to nobody, and its uploader must delete it.
   */
  stored(token: string, file: StoredFile, now: number): boolean {
    if (!this.#table.exists()) return false;
    const kept = this.#sql
      .exec(
        "UPDATE uploads SET state = 'stored', file_id = ?, size = ?, type = ? WHERE token = ? AND state = 'taken' AND expires > ? RETURNING token",
        file.id,
        file.size,
        file.type,
        token,
        now - UPLOAD_FINISH_MS,
      )
      .toArray();
    if (kept.length > 0) this.#unsentDue = undefined;
    return kept.length > 0;
  }

  /** A taken slot's upload failed: its place in the quota is free at once, rather than when it expires. */
  release(token: string): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("DELETE FROM uploads WHERE token = ? AND state = 'taken'", token);
  }

  /** A stored file of this room, by its id. */
  file(id: string): RoomFile | null {
    if (!this.#table.exists()) return null;
    const row = this.#sql
      .exec<{ session: string; name: string; size: number; type: string | null; message_id: number | null }>(
        "SELECT session, name, size, type, message_id FROM uploads WHERE file_id = ? AND state = 'stored'",
        id,
      )
      .toArray()[0];
    if (!row) return null;
    const { session, name, size, type, message_id } = row;
    return { id, session, name, size, type: type ?? "application/octet-stream", messageId: message_id };
  }

  /**
   * Bytes the room's files take in R2, with what its live slots may still
   * bring: a slot holds its declared size from the moment it is granted, so
   * uploads racing each other cannot together pass the room's quota.
   */
  bytesHeld(now: number): number {
    if (!this.#table.exists()) return 0;
    const row = this.#sql
      .exec<{ held: number | null }>(
        `SELECT SUM(size) AS held FROM uploads
          WHERE state = 'stored' OR (state = 'open' AND expires > ?) OR (state = 'taken' AND expires > ?)`,
        now,
        now - UPLOAD_FINISH_MS,
      )
      .toArray()[0];
    return row?.held ?? 0;
  }

  /** One person's files uploading now (their slots live) or stored and in no message yet. */
  pendingOf(session: string, now: number): number {
    if (!this.#table.exists()) return 0;
    return this.#sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM uploads WHERE session = ? AND ((state = 'open' AND expires > ?)
          OR (state = 'taken' AND expires > ?) OR (state = 'stored' AND message_id IS NULL))`,
        session,
        now,
        now - UPLOAD_FINISH_MS,
      )
      .one().n;
  }

  /** Files go into a message: each is sent once, and goes when the message does. */
  attach(ids: readonly string[], messageId: number): void {
    for (const id of ids) this.#sql.exec("UPDATE uploads SET message_id = ? WHERE file_id = ?", messageId, id);
    this.#unsentDue = undefined;
  }

  /** Files never sent in a message within a day of their slot are nobody's: marked to go, freeing the quota. */
  sweepUnsent(now: number): void {
    if (!this.#table.exists()) return;
    const abandoned = this.#sql
      .exec(
        "UPDATE uploads SET state = 'gone' WHERE state = 'stored' AND message_id IS NULL AND expires <= ? RETURNING token",
        now - UNSENT_FILE_MS,
      )
      .toArray();
    if (abandoned.length > 0) this.#mayHaveGoing = true;
    this.#unsentDue = undefined;
  }

  /**
   * When the room must next look at its files, for its alarm: soon while some
   * are marked to go (their deletion may have failed), else when the oldest
   * file not sent is a day old; null when neither.
   */
  nextDue(now: number): number | null {
    if (!this.#table.exists()) return null;
    if (this.hasGoing()) return now + PURGE_RETRY_MS;
    if (this.#unsentDue === undefined) {
      const row = this.#sql
        .exec<{ oldest: number | null }>(
          "SELECT MIN(expires) AS oldest FROM uploads WHERE state = 'stored' AND message_id IS NULL",
        )
        .toArray()[0];
      const oldest = row?.oldest ?? null;
      this.#unsentDue = oldest === null ? null : oldest + UNSENT_FILE_MS;
    }
    return this.#unsentDue;
  }

  /**
   * A message was deleted: its files are no longer the room's. They are marked
   * to go, not forgotten, until their objects are gone from R2 too: a deletion
   * R2 refused is tried again with the next one, never left behind unknown.
   */
  detach(messageId: number): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("UPDATE uploads SET state = 'gone' WHERE message_id = ?", messageId);
    this.#mayHaveGoing = true;
  }

  /** Every file of the room goes: a conversation nobody can open again. */
  detachAll(): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("UPDATE uploads SET state = 'gone' WHERE state = 'stored'");
    this.#mayHaveGoing = true;
  }

  /** The history was pruned below `oldest`: the files of the messages pruned go with them. */
  pruneBefore(oldest: number): void {
    if (!this.#table.exists()) return;
    const pruned = this.#sql.exec(
      "UPDATE uploads SET state = 'gone' WHERE message_id < ? AND state = 'stored' RETURNING file_id",
      oldest,
    );
    if (pruned.toArray().length > 0) this.#mayHaveGoing = true;
  }

  /** Whether files may be marked to go: asked after every recording event, answered from memory once known. */
  hasGoing(): boolean {
    this.#mayHaveGoing ??= this.#table.exists() && this.going(1).length > 0;
    return this.#mayHaveGoing;
  }

  /** Files marked to go whose objects may still be in R2: at most `limit` of them. */
  going(limit: number): string[] {
    if (!this.#table.exists()) return [];
    const ids = this.#sql
      .exec<{ file_id: string }>("SELECT file_id FROM uploads WHERE state = 'gone' LIMIT ?", limit)
      .toArray()
      .map((r) => r.file_id);
    if (ids.length === 0) this.#mayHaveGoing = false;
    return ids;
  }

  /** These files' objects are gone from R2: nothing of them is left. */
  gone(ids: readonly string[]): void {
    // The room may have been wiped while R2 was deleting them.
    if (!this.#table.exists()) return;
    for (const id of ids) this.#sql.exec("DELETE FROM uploads WHERE file_id = ? AND state = 'gone'", id);
    // Others may have been marked meanwhile: asked again when next wanted.
    this.#mayHaveGoing = undefined;
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
    this.#mayHaveGoing = undefined;
    this.#unsentDue = undefined;
  }
}
