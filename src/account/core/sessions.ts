import { hex, randomBase64url } from "./random";

/**
 * Sessions of an account: a random secret the browser holds in an HttpOnly
 * cookie (or a script in a bearer token), looked up by its hash, so what the
 * account stores opens nothing by itself. The token also names the account's
 * object, so the worker finds the account without an index anyone could fill.
 */

/**
 * `__Host-`: the browser takes it only with `Secure`, `Path=/` and no
 * `Domain`, so a neighbouring subdomain cannot plant a session of its own.
 */
export const SESSION_COOKIE = "__Host-hallway_session";
/** A session lasts this long after its last use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** The expiry moves forward (and the cookie is rewritten) at most this often, so each request does not write. */
export const SESSION_SLIDE_MS = 24 * 60 * 60 * 1000;

/**
 * What opened a session: a browser signing in (the cookie), the terminal's
 * device flow, or a token made for a script. Browser and terminal sessions
 * slide; a script's token lasts until it is revoked.
 */
export type SessionKind = "browser" | "terminal" | "token";

/** A session as stored, besides the hash of its secret. */
export interface StoredSession {
  /** Public: names the session in lists, so it can be revoked without its secret. */
  id: string;
  kind: SessionKind;
  label: string;
  createdAt: number;
  expiresAt: number;
}

export interface ListedSession {
  id: string;
  kind: SessionKind;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A script's token does not expire: it ends when revoked, or with "sign out everywhere". */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** A token as the worker reads it: the account's object, and the secret to show it. */
export interface SessionToken {
  /** The hex id of the account's Durable Object. */
  account: string;
  secret: string;
}

const TOKEN = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/;

export function parseSessionToken(value: string | undefined | null): SessionToken | null {
  const match = value ? TOKEN.exec(value) : null;
  return match?.[1] && match[2] ? { account: match[1], secret: match[2] } : null;
}

export function formatSessionToken(token: SessionToken): string {
  return `${token.account}.${token.secret}`;
}

/** 32 random bytes, base64url: 43 characters. */
export function newSecret(): string {
  return randomBase64url(32);
}

/** The stored form of a secret: its SHA-256, hex. */
export async function secretHash(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return hex(new Uint8Array(digest));
}

/** A session's new expiry after a use at `now`, or null when the one it has is recent enough to keep. */
export function slidExpiry(expiresAt: number, now: number): number | null {
  const fresh = now + SESSION_TTL_MS;
  return fresh - expiresAt >= SESSION_SLIDE_MS ? fresh : null;
}
