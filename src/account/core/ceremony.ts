import type { Bucket, RateLimit } from "../../room/core/rate-limit";

/**
 * A WebAuthn ceremony in flight: the challenge the server handed out, for
 * what, and until when. Each is taken once: a response that comes back a
 * second time (a replay) finds nothing.
 */
export interface Ceremony {
  /** Claiming a name, signing in, or adding a passkey to an account from a one-time link. */
  kind: "claim" | "signin" | "link";
  /** With `claim`: the name being claimed; with `link`: the account's object (hex). */
  name?: string;
  expiresAt: number;
}

export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/**
 * Ceremonies started per client address (`SIGNINS_PER_MINUTE`, default 10):
 * that many at once, refilled over a minute. A person claims or signs in a
 * few times a day; an address that starts more is scripting names or guessing.
 */
export const DEFAULT_SIGNINS_PER_MINUTE = 10;

/** The rate for `SIGNINS_PER_MINUTE` as set; anything but a positive whole number is the default. */
export function ceremonyRate(setting: string | undefined): RateLimit {
  const parsed = Number(setting);
  const perMinute = Number.isInteger(parsed) && parsed > 0 ? parsed : DEFAULT_SIGNINS_PER_MINUTE;
  return { burst: perMinute, perSecond: perMinute / 60 };
}

/** Most ceremonies one address may hold open at once; the oldest is dropped past it. */
export const OPEN_CEREMONIES_MAX = 20;

export type { Bucket };
