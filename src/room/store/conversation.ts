import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";

/** One of a conversation's two accounts: its name (to reach its list of conversations), and whether it blocks the other. */
export interface Party {
  accountId: string;
  name: string;
  blocks: boolean;
}

/**
 * A conversation's two accounts, as the worker vouched for them when either
 * came in, and their blocks. Two rows at most, read once per life of the
 * object; any other room has no table.
 */
export class ConversationStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  #parties: Map<string, Party> | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "parties", [
      "CREATE TABLE IF NOT EXISTS parties (account_id TEXT PRIMARY KEY, name TEXT NOT NULL, blocks INTEGER NOT NULL)",
    ]);
  }

  parties(): ReadonlyMap<string, Party> {
    this.#parties ??= this.#load();
    return this.#parties;
  }

  /** Accounts that block the other party. */
  blockers(): ReadonlySet<string> {
    return new Set([...this.parties().values()].filter((p) => p.blocks).map((p) => p.accountId));
  }

  /** An account of this conversation and its name; a party already known keeps its block. */
  note(accountId: string, name: string): void {
    const known = this.parties().get(accountId);
    if (known?.name === name) return;
    this.#table.ensure();
    this.#sql.exec(
      "INSERT INTO parties (account_id, name, blocks) VALUES (?, ?, 0) ON CONFLICT (account_id) DO UPDATE SET name = ?2",
      accountId,
      name,
    );
    this.#parties = undefined;
  }

  /** `accountId` blocks the other party, or stops. */
  block(accountId: string, on: boolean): void {
    this.#table.ensure();
    this.#sql.exec(
      "INSERT INTO parties (account_id, name, blocks) VALUES (?, '', ?2) ON CONFLICT (account_id) DO UPDATE SET blocks = ?2",
      accountId,
      on ? 1 : 0,
    );
    this.#parties = undefined;
  }

  forget(): void {
    this.#table.forget();
    this.#parties = undefined;
  }

  #load(): Map<string, Party> {
    if (!this.#table.exists()) return new Map();
    const rows = this.#sql
      .exec<{ account_id: string; name: string; blocks: number }>("SELECT account_id, name, blocks FROM parties")
      .toArray();
    return new Map(rows.map((r) => [r.account_id, { accountId: r.account_id, name: r.name, blocks: r.blocks === 1 }]));
  }
}
