import type { Sql } from "./sql";

/**
 * A table that is created on the first write, not when the object starts. A
 * room that is only looked at (`/api/rooms/:room`, its history) then leaves no
 * storage behind, and a read of a table that does not exist yet reads as empty.
 */
export class LazyTable {
  readonly #sql: Sql;
  readonly #name: string;
  readonly #ddl: readonly string[];
  /** Brings a table made by an older version up to date; run once per life, when the table is found. */
  readonly #upgrade: ((sql: Sql) => void) | undefined;
  #upgraded = false;
  /**
   * Whether the table exists, once looked up. Only `ensure` creates it and only
   * `forget` follows a wipe, so a "no" can be kept as well as a "yes": a join
   * in a room without DMs does not ask SQLite again each time.
   */
  #exists: boolean | undefined;
  /** The statements ran in this life of the object (indexes added since a table was made included). */
  #ensured = false;

  constructor(sql: Sql, name: string, ddl: readonly string[], upgrade?: (sql: Sql) => void) {
    this.#sql = sql;
    this.#name = name;
    this.#ddl = ddl;
    this.#upgrade = upgrade;
  }

  exists(): boolean {
    this.#exists ??= tableExists(this.#sql, this.#name);
    if (this.#exists && !this.#upgraded) {
      this.#upgraded = true;
      this.#upgrade?.(this.#sql);
    }
    return this.#exists;
  }

  /** Creates the table (and its indexes) if it is not there yet. */
  ensure(): void {
    if (this.#ensured) return;
    for (const statement of this.#ddl) this.#sql.exec(statement);
    this.#exists = true;
    this.#ensured = true;
    if (!this.#upgraded) {
      this.#upgraded = true;
      this.#upgrade?.(this.#sql);
    }
  }

  /** After the object's storage was wiped. */
  forget(): void {
    this.#exists = false;
    this.#ensured = false;
    this.#upgraded = false;
  }
}

export function tableExists(sql: Sql, name: string): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0;
}

export function hasColumn(sql: Sql, table: string, column: string): boolean {
  return sql
    .exec<{ name: string }>(`PRAGMA table_info(${table})`)
    .toArray()
    .some((c) => c.name === column);
}
