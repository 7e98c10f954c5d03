import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import type { Claimant } from "../core/claims";
import { type Credential, counterAdvances } from "../core/credentials";
import { randomHex } from "../core/random";
import { newSecret, SESSION_TTL_MS, secretHash, slidExpiry } from "../core/sessions";
import { AccountStore } from "../store/account-store";

/** Passkeys one account may hold: one per device is the use, and the list must stay short. */
export const CREDENTIALS_MAX = 20;
/** Sessions one account may hold; signing in past it ends the oldest. */
export const SESSIONS_MAX = 100;

/** What `GET /api/me` says about an account. */
export interface AccountView {
  name: string;
  createdAt: number;
  devices: number;
}

/** A session the worker resolved: who, and whether its expiry moved (so the cookie is rewritten). */
export interface ResolvedSession {
  accountId: string;
  name: string;
  /** The new expiry, when the session slid forward on this use. */
  renewedUntil?: number;
}

export type SignInResult =
  | { ok: true; secret: string; account: AccountView }
  | { ok: false; reason: "unknown_credential" | "counter_regressed" };

/**
 * One account, named by the first key of its claimed name (see `claimKeys`).
 * A single-threaded home for the account's passkeys and sessions: claiming a
 * free name, adding a device, and signing in each happen in one step here, so
 * two people claiming one name at once cannot both win.
 */
export class Account extends DurableObject<Env> {
  readonly #store: AccountStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new AccountStore(ctx.storage.sql);
  }

  /** Who holds this key, if anyone: what a join with a name looks up. */
  async claimant(): Promise<Claimant | null> {
    const held = this.#store.claimant();
    return held ? { accountId: held.accountId, name: held.name } : null;
  }

  /**
   * Makes the account on a free key, with its first passkey and a session.
   * Null when the key is held (someone claimed it first).
   */
  async create(
    name: string,
    credential: Credential,
    now: number,
  ): Promise<{ secret: string; accountId: string } | null> {
    // Hashed before the check: an await between checking and writing would let another claim in.
    const secret = newSecret();
    const hash = await secretHash(secret);
    if (this.#store.claimant()) return null;
    // The public id: chosen at random when the account is made, never reused.
    const accountId = randomHex(10);
    this.ctx.storage.transactionSync(() => {
      this.#store.create({ accountId, name }, now, null);
      this.#store.addCredential(credential);
      this.#store.addSession(hash, now, now + SESSION_TTL_MS);
    });
    return { secret, accountId };
  }

  /** Points this look-alike key at an account; false when the key is held already. */
  async reserveAlias(claimant: Claimant, primary: string, now: number): Promise<boolean> {
    const held = this.#store.claimant();
    if (held) return held.accountId === claimant.accountId;
    this.#store.create(claimant, now, primary);
    return true;
  }

  /** Frees a look-alike key, if it still points at this account. */
  async releaseAlias(accountId: string): Promise<void> {
    const held = this.#store.claimant();
    if (held?.aliasOf !== null && held?.accountId === accountId) await this.#wipe();
  }

  /** A passkey of this account, for the worker to check a signature with. */
  async credential(id: string): Promise<Credential | null> {
    return this.#isAccount() ? this.#store.credential(id) : null;
  }

  /**
   * A signature by `credentialId` checked out with counter `counter`: a new
   * session, unless the counter went back (a copied key), which is refused.
   */
  async signIn(credentialId: string, counter: number, now: number): Promise<SignInResult> {
    const secret = newSecret();
    const hash = await secretHash(secret);
    const held = this.#account();
    const credential = this.#store.credential(credentialId);
    if (!held || !credential) return { ok: false, reason: "unknown_credential" };
    if (!counterAdvances(credential.counter, counter)) {
      console.log(
        JSON.stringify({ event: "counter_regressed", account: held.accountId, stored: credential.counter, counter }),
      );
      return { ok: false, reason: "counter_regressed" };
    }
    this.ctx.storage.transactionSync(() => {
      this.#store.used(credentialId, counter, now);
      this.#addSession(hash, now);
    });
    return { ok: true, secret, account: this.#view(held) };
  }

  /** Another passkey for this account (a second device); false past the limit or for a known one. */
  async addCredential(credential: Credential): Promise<boolean> {
    if (!this.#isAccount() || this.#store.credential(credential.id)) return false;
    if (this.#store.credentialCount() >= CREDENTIALS_MAX) return false;
    this.#store.addCredential(credential);
    return true;
  }

  /** The account a session secret opens, sliding its expiry; null when it opens none (ended, expired, wrong). */
  async resolve(secret: string, now: number): Promise<ResolvedSession | null> {
    const hash = await secretHash(secret);
    const held = this.#account();
    if (!held) return null;
    const expiresAt = this.#store.sessionExpiry(hash);
    if (expiresAt === null) return null;
    if (expiresAt <= now) {
      this.#store.endSession(hash);
      return null;
    }
    const renewed = slidExpiry(expiresAt, now);
    if (renewed !== null) this.#store.extendSession(hash, renewed);
    const session: ResolvedSession = { accountId: held.accountId, name: held.name };
    return renewed === null ? session : { ...session, renewedUntil: renewed };
  }

  async view(): Promise<AccountView | null> {
    const held = this.#account();
    return held ? this.#view(held) : null;
  }

  async signOut(secret: string): Promise<void> {
    this.#store.endSession(await secretHash(secret));
  }

  async signOutEverywhere(): Promise<void> {
    this.#store.endAllSessions();
  }

  /** Deletes the account: its passkeys and sessions go, and the name is free. Returns the account's id and name. */
  async remove(): Promise<Claimant | null> {
    const held = this.#account();
    if (!held) return null;
    await this.#wipe();
    return { accountId: held.accountId, name: held.name };
  }

  async #wipe(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.#store.forget();
  }

  #addSession(hash: string, now: number): void {
    this.#store.endExpiredSessions(now);
    this.#store.addSession(hash, now, now + SESSION_TTL_MS);
    this.#store.keepNewestSessions(SESSIONS_MAX);
  }

  #account() {
    const held = this.#store.claimant();
    return held && held.aliasOf === null ? held : null;
  }

  #isAccount(): boolean {
    return this.#account() !== null;
  }

  #view(held: { name: string; createdAt: number }): AccountView {
    return { name: held.name, createdAt: held.createdAt, devices: this.#store.credentialCount() };
  }
}
