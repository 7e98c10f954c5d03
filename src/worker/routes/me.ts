import type { Context } from "hono";
import { indexClaim } from "../../account/claim-lookup";
import { claimKeys } from "../../account/core/claims";
import { routes } from "../app";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { clearSessionCookie, requireAccount, requireBrowser, type SessionEnv, session } from "../middleware/session";

/** `/api/me`: the signed-in account; 401 `unauthorized` for anyone else. */
export const me = routes()
  .use("*", session, requireAccount)
  .get("/", async (c: Context<SessionEnv>) => {
    const view = await homeOf(c)?.view();
    return view ? c.json(view) : httpError(HttpError.unauthorized, "sign in first");
  })
  /** Deleting: the passkeys and sessions go, and the name (with its look-alikes) is free again. */
  .delete(
    "/",
    allowedOrigin("this page's origin may not delete accounts here"),
    requireBrowser,
    async (c: Context<SessionEnv>) => {
      const removed = await homeOf(c)?.remove();
      if (removed) {
        const keys = claimKeys(removed.name);
        for (const alias of keys.aliases) await c.env.ACCOUNT.getByName(alias).releaseAlias(removed.accountId);
        await indexClaim(c.env, [keys.primary, ...keys.aliases], removed, false);
        console.log(JSON.stringify({ event: "account_deleted", account: removed.accountId }));
      }
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

function homeOf(c: Context<SessionEnv>) {
  const signedIn = c.get("signedIn");
  return signedIn === null ? null : c.env.ACCOUNT.get(c.env.ACCOUNT.idFromString(signedIn.token.account));
}
