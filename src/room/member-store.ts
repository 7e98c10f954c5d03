import { LazyTable } from "./lazy-table";
import type { Member } from "./roster";

/** What is stored of a member: all but its connections, which die with the process. */
type StoredMember = Omit<Member, "conns">;

/**
 * Who is in the room, in SQLite. Attachments keep members across
 * hibernation, but a restart (a deploy, a crash, `wrangler dev` reloading)
 * drops every socket with its attachment. This table lets the room know who
 * was here, so they get the reconnect grace instead of vanishing without a
 * leave notice and reappearing with a join notice. Written on arrival,
 * departure and changes of role or away state; never per message.
 */
export class MemberStore {
  readonly #sql: SqlStorage;
  readonly #table: LazyTable;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "members", [
      "CREATE TABLE IF NOT EXISTS members (session TEXT PRIMARY KEY, record TEXT NOT NULL)",
    ]);
  }

  all(): StoredMember[] {
    if (!this.#table.exists()) return [];
    return this.#sql
      .exec<{ record: string }>("SELECT record FROM members")
      .toArray()
      .map((row) => JSON.parse(row.record) as StoredMember);
  }

  save(member: Member): void {
    const { conns: _, ...stored } = member;
    this.#table.ensure();
    this.#sql.exec(
      "INSERT OR REPLACE INTO members (session, record) VALUES (?, ?)",
      member.session,
      JSON.stringify(stored),
    );
  }

  remove(session: string): void {
    if (this.#table.exists()) this.#sql.exec("DELETE FROM members WHERE session = ?", session);
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
  }
}
