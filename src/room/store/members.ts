import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { Member } from "../core/roster";

/** What is stored of a member: all but its connections, which die with the process. */
type StoredMember = Omit<Member, "conns">;

/** Rows per INSERT: two bound values each, and a statement takes at most 100. */
const ROWS_PER_INSERT = 50;
const KEYS_PER_DELETE = 100;

/**
 * Who is in the room, in SQLite. Attachments keep connections across
 * hibernation, but a restart (a deploy, a crash, `wrangler dev` reloading)
 * drops every socket with its attachment. This table lets the room know who
 * was here, so they get the reconnect grace instead of vanishing without a
 * leave notice and reappearing with a join notice. Written on arrival,
 * departure and changes of role or away state; never per message.
 *
 * Changes are gathered and written by `commit`: at the end of an event that
 * records something, inside that event's transaction, so the row goes with
 * the notice the same event stored and a restart finds both or neither;
 * otherwise (a crowd's arrivals, told only in `presence`) at the next flush,
 * so a storm of joins is a few multi-row statements, not one per joiner.
 */
export class MemberStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  /** Changes not yet written: the member to store, or null to delete. */
  #pending = new Map<string, StoredMember | null>();

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "members", [
      "CREATE TABLE IF NOT EXISTS members (session TEXT PRIMARY KEY, record TEXT NOT NULL)",
    ]);
  }

  all(): StoredMember[] {
    this.commit();
    if (!this.#table.exists()) return [];
    return (
      this.#sql
        .exec<{ record: string }>("SELECT record FROM members")
        .toArray()
        // Rows written before v1.8 have no author: such a member's messages carry none.
        .map((row) => {
          const stored = JSON.parse(row.record) as Partial<StoredMember> & Omit<StoredMember, "author">;
          return { ...stored, author: stored.author ?? "" };
        })
    );
  }

  save(member: Member): void {
    const { conns: _, ...stored } = member;
    this.#pending.set(member.session, stored);
  }

  remove(session: string): void {
    this.#pending.set(session, null);
  }

  /** Writes what changed since the last commit. */
  commit(): void {
    if (this.#pending.size === 0) return;
    const saves: [string, string][] = [];
    const removes: string[] = [];
    for (const [session, stored] of this.#pending) {
      if (stored) saves.push([session, JSON.stringify(stored)]);
      else removes.push(session);
    }
    this.#pending.clear();
    if (removes.length > 0 && this.#table.exists()) {
      for (const keys of chunks(removes, KEYS_PER_DELETE)) {
        this.#sql.exec(`DELETE FROM members WHERE session IN (${keys.map(() => "?").join(",")})`, ...keys);
      }
    }
    if (saves.length === 0) return;
    this.#table.ensure();
    for (const rows of chunks(saves, ROWS_PER_INSERT)) {
      const values = rows.map(() => "(?, ?)").join(",");
      this.#sql.exec(`INSERT OR REPLACE INTO members (session, record) VALUES ${values}`, ...rows.flat());
    }
  }

  /** The storage was wiped. */
  forget(): void {
    this.#pending.clear();
    this.#table.forget();
  }
}

/** `items` in runs of at most `size`, in order. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}
