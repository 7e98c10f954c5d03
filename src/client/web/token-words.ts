import type { ListedToken } from "./account-api";

/**
 * One line about a token in the list: what it is, when it was made and when
 * it was last used, so a forgotten one stands out to be revoked.
 */

const KINDS: Record<string, string> = { token: "script token", terminal: "terminal" };

/** `at` as a day, and the time too when it is today. */
function when(at: number, now: number, format: (at: number, withTime: boolean) => string): string {
  const today = new Date(now).toDateString() === new Date(at).toDateString();
  return today ? `today ${format(at, true)}` : format(at, false);
}

export function tokenDetails(
  token: Pick<ListedToken, "kind" | "createdAt" | "lastUsedAt">,
  now: number,
  format: (at: number, withTime: boolean) => string,
): string {
  const kind = KINDS[token.kind] ?? token.kind;
  const used = token.lastUsedAt === null ? "never used" : `last used ${when(token.lastUsedAt, now, format)}`;
  return `${kind} · made ${when(token.createdAt, now, format)} · ${used}`;
}
