import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { LazyTable } from "../../platform/lazy-table";
import type { Claimant } from "../core/claims";

/**
 * One shard of the index of claimed names (see `claimShard`): claim keys to
 * the account that holds them, in SQLite, and all of it in memory once read,
 * so a lookup is a map read on a warm object.
 */
export class ClaimIndex extends DurableObject<Env> {
  readonly #table: LazyTable;
  #claims: Map<string, Claimant> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#table = new LazyTable(ctx.storage.sql, "claims", [
      "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL)",
    ]);
  }

  /** Who holds any of these keys (all listed in this shard), if anyone. */
  async lookup(keys: readonly string[]): Promise<Claimant | null> {
    const claims = this.#all();
    for (const key of keys) {
      const found = claims.get(key);
      if (found) return found;
    }
    return null;
  }

  async add(key: string, claimant: Claimant): Promise<void> {
    this.#table.ensure();
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO claims (key, account_id, name) VALUES (?, ?, ?)",
      key,
      claimant.accountId,
      claimant.name,
    );
    this.#all().set(key, claimant);
  }

  /** Takes a key off the list, if it is still this account's. */
  async remove(key: string, accountId: string): Promise<void> {
    if (this.#all().get(key)?.accountId !== accountId) return;
    this.ctx.storage.sql.exec("DELETE FROM claims WHERE key = ?", key);
    this.#all().delete(key);
  }

  #all(): Map<string, Claimant> {
    if (this.#claims) return this.#claims;
    const claims = new Map<string, Claimant>();
    if (this.#table.exists()) {
      for (const row of this.ctx.storage.sql.exec<{ key: string; account_id: string; name: string }>(
        "SELECT key, account_id, name FROM claims",
      )) {
        claims.set(row.key, { accountId: row.account_id, name: row.name });
      }
    }
    this.#claims = claims;
    return claims;
  }
}
