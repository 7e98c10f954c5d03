import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import {
  formatSessionToken,
  parseSessionToken,
  SESSION_COOKIE,
  type SessionKind,
  type SessionToken,
} from "../../account/core/sessions";
import type { Env } from "../../env";
import type { WorkerEnv } from "../app";
import { HttpError, httpError } from "../errors";

/** A request's account, once its session checked out: who, and the session that says so. */
export interface SignedIn {
  accountId: string;
  name: string;
  token: SessionToken;
  /** What opened the session: only a browser's manages the account (devices, tokens, deleting). */
  kind: SessionKind;
  /** The session's public id. */
  sessionId: string;
}

export type SessionEnv = WorkerEnv & { Variables: { signedIn: SignedIn | null } };

/**
 * The account a request is signed in to, from its `Authorization: Bearer`
 * token or else its session cookie; null when it brings neither, or one that
 * opens nothing (ended, expired, forged). Asks the account's own object every
 * time, so a session ended anywhere opens nothing from that moment on.
 */
export async function sessionOf(
  env: Pick<Env, "ACCOUNT">,
  bearer: string | undefined,
  cookie: string | undefined,
  now: number,
  /** The room this request joins, if it joins one (or the conversation with an account): the account remembers it. */
  room?: string | { peer: string },
): Promise<{ signedIn: SignedIn; renewedUntil?: number } | null> {
  const token = parseSessionToken(bearer ?? cookie);
  if (token === null) return null;
  let id: DurableObjectId;
  try {
    id = env.ACCOUNT.idFromString(token.account);
  } catch {
    return null;
  }
  const resolved = await env.ACCOUNT.get(id).resolve(token.secret, now, room);
  if (resolved === null) return null;
  const signedIn = {
    accountId: resolved.accountId,
    name: resolved.name,
    token,
    kind: resolved.kind,
    sessionId: resolved.sessionId,
  };
  return resolved.renewedUntil === undefined ? { signedIn } : { signedIn, renewedUntil: resolved.renewedUntil };
}

/** `Authorization: Bearer <token>`'s token. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** Sets `signedIn` (null when anonymous); a cookie session that slid forward is written back. */
export const session = createMiddleware<SessionEnv>(async (c, next) => {
  const bearer = bearerToken(c.req.header("Authorization"));
  const found = await sessionOf(c.env, bearer, getCookie(c, SESSION_COOKIE), Date.now());
  c.set("signedIn", found?.signedIn ?? null);
  if (found?.renewedUntil !== undefined && bearer === undefined) {
    setSessionCookie(c, found.signedIn.token, found.renewedUntil);
  }
  await next();
});

/** Lets only signed-in requests through; others get 401 `unauthorized`. Needs `session` before it. */
export const requireAccount = createMiddleware<SessionEnv>(async (c, next) => {
  if (c.get("signedIn") === null) return httpError(HttpError.unauthorized, "sign in first");
  await next();
});

/**
 * Lets only a browser's session through: a terminal's or a script's token
 * chats, but cannot add devices, make tokens, approve terminals, sign out
 * everywhere or delete the account, so a leaked bot token cannot take the
 * account over. Needs `session` before it.
 */
export const requireBrowser = createMiddleware<SessionEnv>(async (c, next) => {
  const signedIn = c.get("signedIn");
  if (signedIn === null) return httpError(HttpError.unauthorized, "sign in first");
  if (signedIn.kind !== "browser") {
    return httpError(HttpError.forbidden, "only a browser signed in with a passkey may do this");
  }
  await next();
});

/** The session cookie: out of reach of scripts, sent only over HTTPS (and to localhost), not on cross-site posts. */
export function setSessionCookie(c: Context, token: SessionToken, expiresAt: number): void {
  setCookie(c, SESSION_COOKIE, formatSessionToken(token), {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}
