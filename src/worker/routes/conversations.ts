import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import * as v from "valibot";
import { claimLookup } from "../../account/claim-lookup";
import type { Claimant } from "../../account/core/claims";
import { SESSION_COOKIE } from "../../account/core/sessions";
import type { Env } from "../../env";
import { refusedSocket } from "../../platform/refused-socket";
import { CloseCode, checkUsername, conversationRoom, ErrorCode } from "../../protocol";
import { withAccount } from "../account-door";
import { routes } from "../app";
import { withPeer } from "../conversation-door";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { bearerToken, requireAccount, type SessionEnv, type SignedIn, session, sessionOf } from "../middleware/session";
import { webSocketUpgrade } from "../middleware/upgrade";
import { publicRequest } from "../private-rooms";
import { HISTORY_QUERY_RULE, historyQuery } from "./history-query";

/**
 * Conversations between two signed-in people, outside any room: v1.9.
 * Each pair's conversation is a room of its own (see `conversationRoom`),
 * reached only through these doors, which vouch for both accounts.
 */

/** The account holding `name` (or a look-alike of it), if any: the claim index, as every door asks it. */
async function peerNamed(env: Pick<Env, "CLAIM_INDEX">, name: string): Promise<Claimant | null> {
  const check = checkUsername(name);
  return check.ok ? claimLookup(env)(check.username) : null;
}

/**
 * `GET /talk/:name`: a WebSocket into the conversation with the account
 * called `name`. The joiner must be signed in (a browser's cookie or a
 * token); the room takes only the pair's two accounts. Opening one with
 * someone new counts against `NEW_CONVERSATIONS_PER_HOUR` (see `checkStart`).
 */
export const talk = routes().get(
  "/:name",
  webSocketUpgrade("connect with a WebSocket to talk with someone"),
  allowedOrigin("this page's origin may not open conversations here"),
  async (c) => {
    // Hono has decoded the name already: decoding again would throw on a `%` in it.
    const name = c.req.param("name");
    const peer = await peerNamed(c.env, name);
    if (peer === null) {
      const message = `nobody has an account called ${name}`;
      return refusedSocket({ code: ErrorCode.noSuchUser, message }, CloseCode.badRequest);
    }
    // The account remembers the conversation among its rooms, so ending this session closes it there too.
    const found = await sessionOf(
      c.env,
      bearerToken(c.req.header("Authorization")),
      getCookie(c, SESSION_COOKIE),
      Date.now(),
      { peer: peer.accountId },
    );
    if (found === null) {
      const message = "sign in with a passkey to talk with someone outside a room";
      return refusedSocket({ code: ErrorCode.forbidden, message }, CloseCode.forbidden);
    }
    const me = found.signedIn;
    if (me.accountId === peer.accountId) {
      return refusedSocket({ code: ErrorCode.noSuchUser, message: "that is you" }, CloseCode.badRequest);
    }
    const opening = await accountOf(c.env, found.signedIn).openConversation(peer.accountId, Date.now());
    if (!opening.ok) {
      const minutes = Math.ceil(opening.retryAfterMs / 60_000);
      const message = `you started ${opening.max} new conversations within the hour, the most one account may; try again in ${minutes} min (those you have already go on)`;
      const error = { code: ErrorCode.tooManyConversations, message, retryAfterMs: opening.retryAfterMs };
      return refusedSocket(error, CloseCode.forbidden);
    }
    const room = conversationRoom(me.accountId, peer.accountId);
    const url = new URL(c.req.url);
    url.searchParams.set("username", me.name);
    const request = new Request(url, { headers: c.req.raw.headers });
    const account = { id: me.accountId, name: me.name, session: me.sessionId };
    const forward = withPeer(withAccount(publicRequest(request), account), peer);
    return c.env.CHAT_ROOM.getByName(room).fetch(forward);
  },
);

/** The signed-in account's own object. */
function accountOf(env: Pick<Env, "ACCOUNT">, signedIn: SignedIn) {
  return env.ACCOUNT.get(env.ACCOUNT.idFromString(signedIn.token.account));
}

type PeerEnv = SessionEnv & { Variables: { me: SignedIn; peer: Claimant } };

/** The conversation's other person, from `:name`: 404 when no account is called that, 400 for oneself. */
const peerParam = createMiddleware<PeerEnv>(async (c, next) => {
  const me = c.get("signedIn");
  if (me === null) return httpError(HttpError.unauthorized, "sign in first");
  const peer = await peerNamed(c.env, c.req.param("name") ?? "");
  if (peer === null) return httpError(HttpError.notFound, "nobody has an account called that");
  if (peer.accountId === me.accountId) return httpError(HttpError.badRequest, "that is you");
  c.set("me", me);
  c.set("peer", peer);
  await next();
});

const ReadBody = v.object({ upTo: v.pipe(v.number(), v.integer(), v.minValue(0)) });

/**
 * `/api/conversations`: the signed-in account's conversations, newest first,
 * each with its unread count; reading one; blocking; and its history pages.
 */
export const conversations = routes()
  .use("*", session, requireAccount)
  .get("/", async (c: Context<SessionEnv>) => {
    const signedIn = c.get("signedIn");
    if (signedIn === null) return httpError(HttpError.unauthorized, "sign in first");
    const list = await accountOf(c.env, signedIn).conversations();
    return c.json({
      conversations: list.map((conv) => ({
        with: conv.with.name,
        lastId: conv.lastId,
        lastMessageAt: conv.lastMessageAt,
        unread: conv.unread,
        blocked: conv.blocked,
      })),
    });
  })
  .post("/:name/read", allowedOrigin("this page's origin may not change conversations here"), peerParam, async (c) => {
    const body = v.safeParse(ReadBody, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "the body is {upTo: a message id}");
    await accountOf(c.env, c.get("me")).readConversation(c.get("peer").accountId, body.output.upTo);
    return c.body(null, 204);
  })
  .put("/:name/block", allowedOrigin("this page's origin may not change conversations here"), peerParam, (c) =>
    block(c, true),
  )
  .delete("/:name/block", allowedOrigin("this page's origin may not change conversations here"), peerParam, (c) =>
    block(c, false),
  )
  .get("/:name/history", peerParam, async (c) => {
    const query = historyQuery((name) => c.req.query(name));
    if (query === null) return httpError(HttpError.badRequest, HISTORY_QUERY_RULE);
    const room = c.env.CHAT_ROOM.getByName(conversationRoom(c.get("me").accountId, c.get("peer").accountId));
    const { roomMs: _, ...page } = await room.historyPage(query, c.get("me").accountId);
    return c.json(page);
  });

/** The room stops passing anything between the two at once; the account's list shows the block. */
async function block(c: Context<PeerEnv>, on: boolean): Promise<Response> {
  const me = c.get("me");
  const peer = c.get("peer");
  await c.env.CHAT_ROOM.getByName(conversationRoom(me.accountId, peer.accountId)).block(me.accountId, on);
  await accountOf(c.env, me).blockPeer(peer, on, Date.now());
  return c.body(null, 204);
}
