import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";

/** One of a conversation's two accounts: its name (to reach its list of conversations), and since when it blocks the other. */
export interface Party {
  accountId: string;
  name: string;
  /** The highest message id when this account blocked the other; null while it does not. */
  blockedAt: number | null;
}

/**
 * A conversation's two accounts, as the worker vouched for them when either
 * came in, and their blocks. Two rows at most, read once per life of the
 * object; any other room has no table.
 */
export class ConversationStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  /** The rows and what the rules read of them, worked out once per change: every frame asks. */
  #cache: { parties: Map<string, Party>; names: Map<string, string>; blockers: Map<string, number> } | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "parties", [
      "CREATE TABLE IF NOT EXISTS parties (account_id TEXT PRIMARY KEY, name TEXT NOT NULL, blocked_at INTEGER)",
    ]);
  }

  parties(): ReadonlyMap<string, Party> {
    return this.#known().parties;
  }

  /** Accounts that block the other party, each with the highest message id when it did. */
  blockers(): ReadonlyMap<string, number> {
    return this.#known().blockers;
  }

  /** The parties' names, by account id. */
  names(): ReadonlyMap<string, string> {
    return this.#known().names;
  }

  /** An account of this conversation and its name; a party already known keeps its block. */
  note(accountId: string, name: string): void {
    const known = this.parties().get(accountId);
    if (known?.name === name) return;
    this.#table.ensure();
    this.#sql.exec(
      "INSERT INTO parties (account_id, name, blocked_at) VALUES (?, ?, NULL) ON CONFLICT (account_id) DO UPDATE SET name = ?2",
      accountId,
      name,
    );
    this.#cache = undefined;
  }

  /** `accountId` blocks the other party from message `at` on (the highest id so far), or (null) stops. */
  block(accountId: string, at: number | null): void {
    const known = this.parties().get(accountId);
    // Blocking again keeps the first mark: what was hidden stays hidden.
    if (at !== null && known?.blockedAt != null) return;
    this.#table.ensure();
    this.#sql.exec(
      "INSERT INTO parties (account_id, name, blocked_at) VALUES (?, '', ?2) ON CONFLICT (account_id) DO UPDATE SET blocked_at = ?2",
      accountId,
      at,
    );
    this.#cache = undefined;
  }

  forget(): void {
    this.#table.forget();
    this.#cache = undefined;
  }

  #known() {
    if (this.#cache === undefined) {
      const parties = this.#load();
      const all = [...parties.values()];
      this.#cache = {
        parties,
        names: new Map(all.map((p) => [p.accountId, p.name])),
        blockers: new Map(all.flatMap((p) => (p.blockedAt === null ? [] : [[p.accountId, p.blockedAt] as const]))),
      };
    }
    return this.#cache;
  }

  #load(): Map<string, Party> {
    if (!this.#table.exists()) return new Map();
    const rows = this.#sql
      .exec<{ account_id: string; name: string; blocked_at: number | null }>(
        "SELECT account_id, name, blocked_at FROM parties",
      )
      .toArray();
    return new Map(rows.map((r) => [r.account_id, { accountId: r.account_id, name: r.name, blockedAt: r.blocked_at }]));
  }
}
