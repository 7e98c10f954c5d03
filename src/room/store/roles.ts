import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { RoomRoles } from "../core/state";

/**
 * An owned room's owner and operators, by account. A handful of rows, read
 * once per life of the object and kept in memory; an unowned room has no
 * table at all.
 */
export class RoleStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  #roles: RoomRoles | null | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "roles", [
      "CREATE TABLE IF NOT EXISTS roles (account_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL)",
    ]);
  }

  get(): RoomRoles | null {
    this.#roles ??= this.#load();
    return this.#roles;
  }

  set(accountId: string, name: string, role: "owner" | "operator" | null): void {
    this.#table.ensure();
    if (role === null) this.#sql.exec("DELETE FROM roles WHERE account_id = ?", accountId);
    else {
      this.#sql.exec("INSERT OR REPLACE INTO roles (account_id, name, role) VALUES (?, ?, ?)", accountId, name, role);
    }
    this.#roles = undefined;
  }

  /** A deleted account's role ends; when it owned the room, every role ends and the room is nobody's. */
  forgetAccount(accountId: string): void {
    const roles = this.get();
    if (roles === null) return;
    if (roles.owner.accountId === accountId) this.#sql.exec("DELETE FROM roles");
    else this.#sql.exec("DELETE FROM roles WHERE account_id = ?", accountId);
    this.#roles = undefined;
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
    this.#roles = null;
  }

  #load(): RoomRoles | null {
    if (!this.#table.exists()) return null;
    const rows = this.#sql
      .exec<{ account_id: string; name: string; role: string }>("SELECT account_id, name, role FROM roles")
      .toArray();
    const owner = rows.find((row) => row.role === "owner");
    if (!owner) return null;
    const operators = new Map<string, string>();
    for (const row of rows) if (row.role === "operator") operators.set(row.account_id, row.name);
    return { owner: { accountId: owner.account_id, name: owner.name }, operators };
  }
}
