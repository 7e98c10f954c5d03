import type { StoredToken } from "./credentials";

/** Where the token a join sends came from, to say so when the room does not take it. */
export type TokenSource = "--token" | "HALLWAY_TOKEN" | "hallway login";

export interface ChosenToken {
  token: string;
  source: TokenSource;
}

/** A Hallway session token: the account's id in hex, a dot, and its secret in base64url. */
const TOKEN = /^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * The token a join signs in with: `--token` first (a one-off run), then
 * `HALLWAY_TOKEN` (a script's or a CI job's), then the one `hallway login`
 * stored for this server. An empty flag or variable counts as unset.
 */
export function chooseToken(
  flag: string | undefined,
  variable: string | undefined,
  stored: StoredToken | undefined,
): ChosenToken | null {
  if (flag) return { token: flag, source: "--token" };
  if (variable?.trim()) return { token: variable.trim(), source: "HALLWAY_TOKEN" };
  if (stored) return { token: stored.token, source: "hallway login" };
  return null;
}

/** The upgrade's headers for a signed-in join: the token as a bearer; none when anonymous. */
export function bearerHeaders(chosen: ChosenToken | null | undefined): Record<string, string> | undefined {
  return chosen ? { Authorization: `Bearer ${chosen.token}` } : undefined;
}
