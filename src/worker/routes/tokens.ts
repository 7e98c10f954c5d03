import type { Context } from "hono";
import * as v from "valibot";
import { formatSessionToken } from "../../account/core/sessions";
import { routes } from "../app";
import { accountById } from "../ceremonies";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { requireBrowser, type SessionEnv, session } from "../middleware/session";
import { TokenCreate } from "./auth-bodies";

/**
 * `/api/tokens`: named tokens for scripts and bots, so a CI job's messages
 * carry its verified name. Each is shown once, lasts until revoked (or "sign
 * out everywhere"), and is listed with the terminals signed in by the device
 * flow, so any of them can be revoked alone.
 */
export const tokens = routes()
  .use("*", session, requireBrowser)
  .get("/", async (c: Context<SessionEnv>) => {
    const account = accountOf(c);
    return c.json({ tokens: account ? await account.listTokens() : [] });
  })
  .post("/", allowedOrigin("this page's origin may not make tokens here"), async (c: Context<SessionEnv>) => {
    const body = v.safeParse(TokenCreate, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "send {label}: 1-60 characters");
    const signedIn = c.get("signedIn");
    const account = accountOf(c);
    const now = Date.now();
    const opened = account && (await account.openSession("token", body.output.label, now));
    if (!signedIn || !opened) return httpError(HttpError.unauthorized, "sign in first");
    const token = formatSessionToken({ account: signedIn.token.account, secret: opened.secret });
    return c.json({ id: opened.id, label: body.output.label, token, createdAt: now }, 201);
  })
  .delete("/:id", allowedOrigin("this page's origin may not revoke tokens here"), async (c: Context<SessionEnv>) => {
    const revoked = await accountOf(c)?.revokeToken(c.req.param("id") ?? "");
    return revoked ? c.body(null, 204) : httpError(HttpError.notFound, "no such token");
  });

function accountOf(c: Context<SessionEnv>) {
  const signedIn = c.get("signedIn");
  return signedIn === null ? null : accountById(c.env, signedIn.token.account);
}
