import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { RoomSettings } from "../core/state";

const NONE: RoomSettings = { topic: null, listedBy: null };

/**
 * v1.9: what an owned room's people set about it, in one row: its topic and
 * the account that listed it in the directory. Read once per life of the
 * object and kept in memory; a room that never set anything has no table.
 */
export class RoomSettingsStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  #settings: RoomSettings | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "room_settings", [
      "CREATE TABLE IF NOT EXISTS room_settings (id INTEGER PRIMARY KEY CHECK (id = 1), topic TEXT, listed_by TEXT)",
    ]);
  }

  get(): RoomSettings {
    this.#settings ??= this.#load();
    return this.#settings;
  }

  setTopic(topic: string | null): void {
    this.#write({ ...this.get(), topic });
  }

  setListedBy(listedBy: string | null): void {
    this.#write({ ...this.get(), listedBy });
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
    this.#settings = NONE;
  }

  #write(settings: RoomSettings): void {
    this.#table.ensure();
    this.#sql.exec(
      "INSERT OR REPLACE INTO room_settings (id, topic, listed_by) VALUES (1, ?, ?)",
      settings.topic,
      settings.listedBy,
    );
    this.#settings = settings;
  }

  #load(): RoomSettings {
    if (!this.#table.exists()) return NONE;
    const row = this.#sql
      .exec<{ topic: string | null; listed_by: string | null }>("SELECT topic, listed_by FROM room_settings")
      .toArray()[0];
    return row ? { topic: row.topic, listedBy: row.listed_by } : NONE;
  }
}
