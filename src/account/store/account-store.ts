import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { Claimant } from "../core/claims";
import type { Credential } from "../core/credentials";
import type { ListedSession, SessionKind, StoredSession } from "../core/sessions";

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
      `CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,
        label TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_used INTEGER)`,
      "CREATE TABLE IF NOT EXISTS links (hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
      `CREATE TABLE IF NOT EXISTS rooms (room TEXT NOT NULL, session_id TEXT NOT NULL, at INTEGER NOT NULL,
        PRIMARY KEY (room, session_id))`,
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

  credentialUsed(id: string, counter: number, at: number): void {
    this.#sql.exec("UPDATE credentials SET counter = ?, last_used = ? WHERE id = ?", counter, at, id);
  }

  addSession(session: StoredSession, hash: string): void {
    this.#sql.exec(
      "INSERT INTO sessions (hash, id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      hash,
      session.id,
      session.kind,
      session.label,
      session.createdAt,
      session.expiresAt,
    );
  }

  session(hash: string): { id: string; kind: SessionKind; expiresAt: number; lastUsedAt: number | null } | null {
    const row = this.#sql
      .exec<{ id: string; kind: string; expires_at: number; last_used: number | null }>(
        "SELECT id, kind, expires_at, last_used FROM sessions WHERE hash = ?",
        hash,
      )
      .toArray()[0];
    return row ? { id: row.id, kind: kindOf(row.kind), expiresAt: row.expires_at, lastUsedAt: row.last_used } : null;
  }

  /** A use: the expiry slid forward (or kept, with `expiresAt` unchanged), and when it was used. */
  sessionUsed(hash: string, expiresAt: number, at: number): void {
    this.#sql.exec("UPDATE sessions SET expires_at = ?, last_used = ? WHERE hash = ?", expiresAt, at, hash);
  }

  endSession(hash: string): void {
    this.#sql.exec("DELETE FROM sessions WHERE hash = ?", hash);
  }

  /** Ends a session by its public id, of the kinds given; whether there was one. */
  endSessionById(id: string, kinds: readonly SessionKind[]): boolean {
    const found = this.#sql
      .exec<{ hash: string; kind: string }>("SELECT hash, kind FROM sessions WHERE id = ?", id)
      .toArray()
      .find((row) => kinds.includes(kindOf(row.kind)));
    if (!found) return false;
    this.endSession(found.hash);
    return true;
  }

  endExpiredSessions(now: number): void {
    this.#sql.exec("DELETE FROM sessions WHERE expires_at <= ?", now);
  }

  /** Keeps the newest `max` sessions of a kind: each sign-in makes one, and they must not pile up. */
  keepNewestSessions(kind: SessionKind, max: number): void {
    this.#sql.exec(
      `DELETE FROM sessions WHERE kind = ? AND hash NOT IN
        (SELECT hash FROM sessions WHERE kind = ? ORDER BY created_at DESC LIMIT ?)`,
      kind,
      kind,
      max,
    );
  }

  sessionsOf(kinds: readonly SessionKind[]): ListedSession[] {
    return this.#sql
      .exec<{ id: string; kind: string; label: string; created_at: number; last_used: number | null }>(
        "SELECT id, kind, label, created_at, last_used FROM sessions ORDER BY created_at",
      )
      .toArray()
      .filter((row) => kinds.includes(kindOf(row.kind)))
      .map((row) => ({
        id: row.id,
        kind: kindOf(row.kind),
        label: row.label,
        createdAt: row.created_at,
        lastUsedAt: row.last_used,
      }));
  }

  /** A new link, keeping the `max` newest. */
  addLink(hash: string, expiresAt: number, max: number): void {
    this.#sql.exec("INSERT INTO links (hash, expires_at) VALUES (?, ?)", hash, expiresAt);
    this.#sql.exec(
      "DELETE FROM links WHERE hash NOT IN (SELECT hash FROM links ORDER BY expires_at DESC LIMIT ?)",
      max,
    );
  }

  /** Whether a link is open: made here, not used, not expired. */
  linkOpen(hash: string, now: number): boolean {
    this.#sql.exec("DELETE FROM links WHERE expires_at <= ?", now);
    return this.#sql.exec("SELECT 1 FROM links WHERE hash = ?", hash).toArray().length > 0;
  }

  endLink(hash: string): void {
    this.#sql.exec("DELETE FROM links WHERE hash = ?", hash);
  }

  /** Notes a room a session joined, keeping the `max` most recent: the rooms told when sessions end. */
  visited(room: string, sessionId: string, at: number, max: number): void {
    this.#account.ensure();
    this.#sql.exec("INSERT OR REPLACE INTO rooms (room, session_id, at) VALUES (?, ?, ?)", room, sessionId, at);
    this.#sql.exec("DELETE FROM rooms WHERE rowid NOT IN (SELECT rowid FROM rooms ORDER BY at DESC LIMIT ?)", max);
  }

  /** The rooms one session joined. */
  roomsOf(sessionId: string): string[] {
    return this.#sql
      .exec<{ room: string }>("SELECT room FROM rooms WHERE session_id = ?", sessionId)
      .toArray()
      .map((row) => row.room);
  }

  rooms(): string[] {
    if (!this.#account.exists()) return [];
    this.#account.ensure();
    return this.#sql
      .exec<{ room: string }>("SELECT DISTINCT room FROM rooms")
      .toArray()
      .map((row) => row.room);
  }

  endAllSessions(): void {
    this.#sql.exec("DELETE FROM sessions");
  }
}

function toBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

function kindOf(kind: string): SessionKind {
  return kind === "terminal" || kind === "token" ? kind : "browser";
}
