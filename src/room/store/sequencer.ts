import { LazyTable, tableExists } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";

/**
 * The room's message ids and the epoch that names them. Ids only grow: the
 * highest handed out is the highest of any id kept in a row (`history`,
 * `dms`) and of `meta.last_id`, which keeps the ids that left no row (direct
 * messages pruned since, private notices) so none is handed out twice after
 * a restart.
 *
 * The epoch changes only when the storage is wiped, so a client resuming with
 * an id from before can tell its `since` means nothing here any more. Reading
 * it never writes, so the room's rules may ask for it while they run: a room
 * with none stored picks one in memory, and it is stored by `settle`, in the
 * transaction of the first event that records anything (a room's first join
 * does). Until then it names no stored history, and a restart that picks
 * another costs a client resuming with it only a fresh view (`reset`).
 */
export class Sequencer {
  readonly #sql: Sql;
  readonly #meta: LazyTable;
  #lastId: number | undefined;
  /** Highest id known to be durable (in a row, or in `meta.last_id`). */
  #durableId = 0;
  #epoch: string | undefined;
  #epochStored = false;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#meta = new LazyTable(sql, "meta", [
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]);
  }

  /** Names this history; the same across restarts once anything was stored. */
  epoch(): string {
    if (this.#epoch === undefined) {
      const stored = this.#read("epoch");
      this.#epoch = stored ?? crypto.randomUUID().replaceAll("-", "").slice(0, 16);
      this.#epochStored = stored !== undefined;
    }
    return this.#epoch;
  }

  /** Highest id ever handed out in this room, including ids of direct messages. */
  lastId(): number {
    if (this.#lastId === undefined) {
      const kept = Math.max(this.#highestIn("history"), this.#highestIn("dms"));
      this.#lastId = Math.max(kept, Number(this.#read("last_id") ?? 0));
      this.#durableId = this.#lastId;
    }
    return this.#lastId;
  }

  /** Id `id` is now stored in a row `lastId` reads after a restart: `settle` need not write it again. */
  kept(id: number): void {
    this.#durableId = Math.max(this.#durableId, id);
  }

  /**
   * Records that ids up to `lastId` were handed out, and the epoch they belong
   * to. Called inside the transaction of the event that used them.
   */
  settle(lastId: number): void {
    this.#lastId = lastId;
    if (lastId > this.#durableId) {
      this.#write("last_id", String(lastId));
      this.#durableId = lastId;
    }
    const epoch = this.epoch();
    if (!this.#epochStored) {
      this.#write("epoch", epoch);
      this.#epochStored = true;
    }
  }

  /** The storage was wiped: ids start over, under a new epoch. */
  forget(): void {
    this.#meta.forget();
    this.#lastId = undefined;
    this.#durableId = 0;
    this.#epoch = undefined;
    this.#epochStored = false;
  }

  #read(key: string): string | undefined {
    if (!this.#meta.exists()) return undefined;
    return this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  #write(key: string, value: string): void {
    this.#meta.ensure();
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  #highestIn(table: "history" | "dms"): number {
    if (!tableExists(this.#sql, table)) return 0;
    return this.#sql.exec<{ id: number | null }>(`SELECT max(id) AS id FROM ${table}`).one().id ?? 0;
  }
}
