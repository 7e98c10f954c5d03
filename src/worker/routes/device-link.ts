import type { Context } from "hono";
import * as v from "valibot";
import { parseSessionToken, SESSION_TTL_MS } from "../../account/core/sessions";
import { routes } from "../app";
import {
  accountById,
  challengeExpired,
  gateOf,
  newPasskeyOptions,
  takeCeremony,
  tooManyCeremonies,
  verifyNewPasskey,
} from "../ceremonies";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { requireBrowser, type SessionEnv, session, setSessionCookie } from "../middleware/session";
import { relyingParty } from "../relying-party";
import { LinkFinish, LinkStart } from "./auth-bodies";

/**
 * `/api/auth/link`: another device for an account, with no e-mail and no
 * password. A signed-in device makes a link (10 minutes, one use); the new
 * device opens it, makes a passkey of its own for the same account, and is
 * signed in. The code travels in the link's fragment, which browsers never
 * send to a server, so it stays out of logs.
 */
export const deviceLink = routes()
  .use("*", allowedOrigin("this page's origin may not add devices here"))
  .post("/", session, requireBrowser, async (c: Context<SessionEnv>) => {
    const signedIn = c.get("signedIn");
    if (signedIn === null) return httpError(HttpError.unauthorized, "sign in first");
    const made = await accountById(c.env, signedIn.token.account)?.createLink(Date.now());
    if (!made) return httpError(HttpError.unauthorized, "sign in first");
    const url = `${relyingParty(c.req.url, c.env).origin}/link#${signedIn.token.account}.${made.secret}`;
    return c.json({ url, expiresAt: made.expiresAt });
  })
  .post("/options", async (c) => {
    const body = v.safeParse(LinkStart, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "send {code}");
    const link = parseSessionToken(body.output.code);
    const name = link && (await accountById(c.env, link.account)?.linkName(link.secret, Date.now()));
    if (!link || !name) return linkExpired();
    const gate = gateOf(c);
    const opened = await c.env.AUTH_GATE.get(gate).open("link", link.account, Date.now());
    if (!opened.ok) return tooManyCeremonies(opened.retryAfterMs);
    const options = await newPasskeyOptions(relyingParty(c.req.url, c.env), name, link.account, opened.challenge);
    return c.json({ ceremony: gate.toString(), options });
  })
  .post("/verify", async (c) => {
    const body = v.safeParse(LinkFinish, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "send {code, ceremony, response}");
    const { response } = body.output;
    const link = parseSessionToken(body.output.code);
    const ceremony = await takeCeremony(c.env, body.output.ceremony, response.response.clientDataJSON);
    // The ceremony must have been opened for this link's account, not another's.
    if (!link || ceremony === null || ceremony.kind !== "link" || ceremony.name !== link.account) {
      return challengeExpired();
    }
    const now = Date.now();
    const credential = await verifyNewPasskey(response, ceremony.challenge, relyingParty(c.req.url, c.env), now);
    if (credential instanceof Response) return credential;
    const account = accountById(c.env, link.account);
    const used = await account?.useLink(link.secret, credential, now);
    if (!account || !used) return linkExpired();
    setSessionCookie(c, { account: link.account, secret: used.secret }, now + SESSION_TTL_MS);
    return c.json(await account.view());
  });

function linkExpired(): Response {
  return httpError(
    HttpError.linkExpired,
    "this link was used already or has expired; make a new one on a signed-in device",
  );
}
