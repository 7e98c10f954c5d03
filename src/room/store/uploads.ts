import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { RoomFile, UploadSlot } from "../core/state";
import { UPLOAD_SLOT_MS } from "../core/uploads";

/** How long a stored file may wait to be sent in a message before it is deleted. */
export const UNSENT_FILE_MS = 24 * 60 * 60_000;

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
 * once expired, when the next one is granted; a stored file's row stays, since it
 * is what ties the object in R2 to this room and the person who sent it.
 */
export class UploadStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  /** Whether rows marked to go may be waiting for their objects to be deleted; unknown until asked. */
  #mayHaveGoing: boolean | undefined;

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
    // Slots that expired without a file (never used, or their upload failed) are of no use to anyone.
    const now = slot.expiresAt - UPLOAD_SLOT_MS;
    this.#sql.exec("DELETE FROM uploads WHERE state IN ('open', 'taken') AND expires <= ?", now);
    // Files never sent in a message within a day are nobody's: they go, and free the room's quota.
    const abandoned = this.#sql.exec(
      "UPDATE uploads SET state = 'gone' WHERE state = 'stored' AND message_id IS NULL AND expires <= ? RETURNING file_id",
      now - UNSENT_FILE_MS,
    );
    if (abandoned.toArray().length > 0) this.#mayHaveGoing = true;
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

  /** The bytes of a taken slot are in R2: the file is the room's. */
  stored(token: string, file: StoredFile): void {
    this.#sql.exec(
      "UPDATE uploads SET state = 'stored', file_id = ?, size = ?, type = ? WHERE token = ? AND state = 'taken'",
      file.id,
      file.size,
      file.type,
      token,
    );
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
        "SELECT SUM(size) AS held FROM uploads WHERE state = 'stored' OR (state IN ('open', 'taken') AND expires > ?)",
        now,
      )
      .toArray()[0];
    return row?.held ?? 0;
  }

  /** Files go into a message: each is sent once, and goes when the message does. */
  attach(ids: readonly string[], messageId: number): void {
    for (const id of ids) this.#sql.exec("UPDATE uploads SET message_id = ? WHERE file_id = ?", messageId, id);
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
    for (const id of ids) this.#sql.exec("DELETE FROM uploads WHERE file_id = ? AND state = 'gone'", id);
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
    this.#mayHaveGoing = undefined;
  }
}
