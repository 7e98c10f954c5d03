import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { lookupKeys } from "../../account/core/claims";
import { SESSION_COOKIE } from "../../account/core/sessions";
import { refusedSocket } from "../../platform/refused-socket";
import { CloseCode, ErrorCode, MAX_USERNAME_LENGTH } from "../../protocol";
import { withAccount } from "../account-door";
import { claimantOf } from "../claims";
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
  );
  if (found) {
    c.set("forward", withAccount(forward, { id: found.signedIn.accountId, name: found.signedIn.name }));
    return next();
  }
  const username = c.req.query("username")?.trim() ?? "";
  // A name too long for a room is refused there as malformed; only names a room could take are looked up.
  if (username !== "" && username.length <= MAX_USERNAME_LENGTH) {
    const claimant = await claimantOf(c.env, lookupKeys(username));
    if (claimant !== null) {
      const message = `the name ${claimant.name} belongs to an account: sign in with its passkey, or pick another name`;
      return refusedSocket({ code: ErrorCode.nameClaimed, message }, CloseCode.usernameTaken);
    }
  }
  c.set("forward", withAccount(forward, null));
  await next();
});
