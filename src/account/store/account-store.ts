import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { Claimant } from "../core/claims";
import type { Credential } from "../core/credentials";

/**
 * An account object's storage. The object is named by a claim key, and holds
 * one of three things: nothing (the name is free), the account (its name,
 * passkeys and sessions), or a pointer to the account whose name this key is
 * a look-alike of. The tables are made by the first claim, so asking
 * whether a name is claimed (which every join with a name does) stores nothing.
 */
export class AccountStore {
  readonly #sql: Sql;
  readonly #account: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#account = new LazyTable(sql, "account", [
      "CREATE TABLE IF NOT EXISTS account (id TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, alias_of TEXT)",
      `CREATE TABLE IF NOT EXISTS credentials (id TEXT PRIMARY KEY, public_key BLOB NOT NULL,
        counter INTEGER NOT NULL, transports TEXT NOT NULL, created_at INTEGER NOT NULL, last_used INTEGER)`,
      "CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
    ]);
  }

  /** After the object's storage was wiped: the key is free, and nothing is stored. */
  forget(): void {
    this.#account.forget();
  }

  /** Who holds this key: the account here, or the one an alias points to; null when free. */
  claimant(): (Claimant & { createdAt: number; aliasOf: string | null }) | null {
    if (!this.#account.exists()) return null;
    const rows = this.#sql
      .exec<{ id: string; name: string; created_at: number; alias_of: string | null }>(
        "SELECT id, name, created_at, alias_of FROM account LIMIT 1",
      )
      .toArray();
    const row = rows[0];
    return row ? { accountId: row.id, name: row.name, createdAt: row.created_at, aliasOf: row.alias_of } : null;
  }

  /** Makes this key the account's, or (with `aliasOf`) a pointer to it. */
  create(claimant: Claimant, createdAt: number, aliasOf: string | null): void {
    this.#account.ensure();
    this.#sql.exec(
      "INSERT INTO account (id, name, created_at, alias_of) VALUES (?, ?, ?, ?)",
      claimant.accountId,
      claimant.name,
      createdAt,
      aliasOf,
    );
  }

  addCredential(credential: Credential): void {
    this.#sql.exec(
      "INSERT INTO credentials (id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?)",
      credential.id,
      toBuffer(credential.publicKey),
      credential.counter,
      JSON.stringify(credential.transports),
      credential.createdAt,
    );
  }

  credential(id: string): Credential | null {
    const row = this.#sql
      .exec<{ id: string; public_key: ArrayBuffer; counter: number; transports: string; created_at: number }>(
        "SELECT id, public_key, counter, transports, created_at FROM credentials WHERE id = ?",
        id,
      )
      .toArray()[0];
    if (!row) return null;
    const transports: unknown = JSON.parse(row.transports);
    return {
      id: row.id,
      publicKey: new Uint8Array(row.public_key),
      counter: row.counter,
      transports: Array.isArray(transports) ? transports.filter((t) => typeof t === "string") : [],
      createdAt: row.created_at,
    };
  }

  credentialCount(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM credentials").one().n;
  }

  used(id: string, counter: number, at: number): void {
    this.#sql.exec("UPDATE credentials SET counter = ?, last_used = ? WHERE id = ?", counter, at, id);
  }

  addSession(hash: string, createdAt: number, expiresAt: number): void {
    this.#sql.exec("INSERT INTO sessions (hash, created_at, expires_at) VALUES (?, ?, ?)", hash, createdAt, expiresAt);
  }

  sessionExpiry(hash: string): number | null {
    const row = this.#sql
      .exec<{ expires_at: number }>("SELECT expires_at FROM sessions WHERE hash = ?", hash)
      .toArray()[0];
    return row ? row.expires_at : null;
  }

  extendSession(hash: string, expiresAt: number): void {
    this.#sql.exec("UPDATE sessions SET expires_at = ? WHERE hash = ?", expiresAt, hash);
  }

  endSession(hash: string): void {
    this.#sql.exec("DELETE FROM sessions WHERE hash = ?", hash);
  }

  endExpiredSessions(now: number): void {
    this.#sql.exec("DELETE FROM sessions WHERE expires_at <= ?", now);
  }

  /** Keeps the newest `max` sessions: each sign-in makes one, and they must not pile up. */
  keepNewestSessions(max: number): void {
    this.#sql.exec(
      "DELETE FROM sessions WHERE hash NOT IN (SELECT hash FROM sessions ORDER BY created_at DESC LIMIT ?)",
      max,
    );
  }

  endAllSessions(): void {
    this.#sql.exec("DELETE FROM sessions");
  }
}

function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
