import * as v from "valibot";
import type { SignedInAccount } from "../room/core";
import { readVouched, withVouched } from "./vouched-header";

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
  return withVouched(
    request,
    ACCOUNT_HEADER,
    account === null ? null : { id: account.id, name: account.name, session: account.session },
  );
}

/** The account the worker verified for this request; null when it is anonymous. */
export function accountOf(request: Request): SignedInAccount | null {
  return readVouched(request, ACCOUNT_HEADER, Account);
}
