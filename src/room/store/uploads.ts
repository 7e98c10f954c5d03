import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { UploadSlot } from "../core/state";
import { UPLOAD_SLOT_MS } from "../core/uploads";

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

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "uploads", [
      `CREATE TABLE IF NOT EXISTS uploads (token TEXT PRIMARY KEY, session TEXT NOT NULL, name TEXT NOT NULL,
        size INTEGER NOT NULL, expires INTEGER NOT NULL, state TEXT NOT NULL, file_id TEXT, type TEXT)`,
    ]);
  }

  grant(slot: UploadSlot): void {
    this.#table.ensure();
    // Slots that expired without a file (never used, or their upload failed) are of no use to anyone.
    const now = slot.expiresAt - UPLOAD_SLOT_MS;
    this.#sql.exec("DELETE FROM uploads WHERE state != 'stored' AND expires <= ?", now);
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
    const state = row.state === "taken" || row.state === "stored" ? row.state : "open";
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

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
  }
}
