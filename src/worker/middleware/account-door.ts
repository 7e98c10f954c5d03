import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { claimantOf } from "../../account/claim-lookup";
import { lookupKeys } from "../../account/core/claims";
import { SESSION_COOKIE } from "../../account/core/sessions";
import type { Env } from "../../env";
import { refusedSocket } from "../../platform/refused-socket";
import { CloseCode, checkUsername, ErrorCode } from "../../protocol";
import { withAccount } from "../account-door";
import { isPrivateRoom } from "../private-rooms";
import type { AdmittedEnv } from "./private-room";
import { bearerToken, sessionOf } from "./session";

/**
 * Who comes in: a signed-in request reaches the room with its account (and
 * the room gives it the account's name); an anonymous one asking for a name
 * that an account holds, or a look-alike of one, is refused here with
 * `name_claimed`, waking no room. Needs `privateTicket` before it: a private
 * room's names come from its ticket, and it is told of no account.
 */
export const accountDoor = createMiddleware<AdmittedEnv>(async (c, next) => {
  const forward = c.get("forward");
  if (isPrivateRoom(c.get("room"))) {
    c.set("forward", withAccount(forward, null));
    return next();
  }
  const found = await sessionOf(
    c.env,
    bearerToken(c.req.header("Authorization")),
    getCookie(c, SESSION_COOKIE),
    Date.now(),
    c.get("room"),
  );
  if (found) {
    const { accountId, name, sessionId } = found.signedIn;
    c.set("forward", withAccount(forward, { id: accountId, name, session: sessionId }));
    return next();
  }
  const refused = await claimedNameRefusal(c.env, c.req.query("username"));
  if (refused) return refused;
  c.set("forward", withAccount(forward, null));
  await next();
});

/**
 * An anonymous request asking for a name an account holds, or a look-alike
 * of one, is refused on its socket with `name_claimed` and close 4009: the
 * rooms' door and the matchmaker's. Null when the name is free (or none was asked).
 */
export async function claimedNameRefusal(
  env: Pick<Env, "CLAIM_INDEX">,
  asked: string | undefined,
  /** The account the request is signed in to, whose own name it may use. */
  own: string | null = null,
): Promise<Response | null> {
  const trimmed = asked?.trim() ?? "";
  if (trimmed === "") return null;
  // The name as the room will take it (normalized, so a decomposed spelling too long here is short there);
  // one the room would refuse as malformed is not looked up.
  const check = checkUsername(trimmed);
  if (!check.ok) return null;
  const claimant = await claimantOf(env, lookupKeys(check.username));
  if (claimant === null || claimant.accountId === own) return null;
  const message = `the name ${claimant.name} belongs to an account: sign in with its passkey, or pick another name`;
  return refusedSocket({ code: ErrorCode.nameClaimed, message }, CloseCode.usernameTaken);
}

/**
 * The matchmaker's door: stranger chat shows no marks, but a claimed name is
 * still only its account's to use there.
 */
export const matchDoor = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const found = await sessionOf(
    c.env,
    bearerToken(c.req.header("Authorization")),
    getCookie(c, SESSION_COOKIE),
    Date.now(),
  );
  const refused = await claimedNameRefusal(c.env, c.req.query("username"), found?.signedIn.accountId ?? null);
  if (refused) return refused;
  await next();
});
