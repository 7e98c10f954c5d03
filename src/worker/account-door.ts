import * as v from "valibot";
import type { SignedInAccount } from "../room/core";

/**
 * Set by the worker on a room's socket request once the session checked out:
 * the account, as JSON. Never taken from clients: the worker deletes whatever
 * a client sent under this name before it forwards a request.
 */
export const ACCOUNT_HEADER = "x-hallway-account";

const Account = v.object({
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{20}$/)),
  name: v.string(),
  session: v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/)),
});

/** The request as the room must read it: with the account the worker verified, or with none. */
export function withAccount(request: Request, account: SignedInAccount | null): Request {
  if (account === null && !request.headers.has(ACCOUNT_HEADER)) return request;
  const headers = new Headers(request.headers);
  if (account === null) headers.delete(ACCOUNT_HEADER);
  else headers.set(ACCOUNT_HEADER, JSON.stringify({ id: account.id, name: account.name, session: account.session }));
  return new Request(request.url, { headers });
}

/** The account the worker verified for this request; null when it is anonymous. */
export function accountOf(request: Request): SignedInAccount | null {
  const raw = request.headers.get(ACCOUNT_HEADER);
  if (raw === null) return null;
  try {
    const parsed = v.safeParse(Account, JSON.parse(raw));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}
