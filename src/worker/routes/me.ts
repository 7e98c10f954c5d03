import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { claimLookup, indexClaim } from "../../account/claim-lookup";
import { claimKeys } from "../../account/core/claims";
import { HOME_SESSION_HEADER } from "../../account/home-door";
import { JOINED_ROOMS_MAX } from "../../account/store/home-store";
import { canonicalRoom, checkUsername, ROOM_NAME } from "../../protocol";
import { routes } from "../app";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { clearSessionCookie, requireAccount, requireBrowser, type SessionEnv, session } from "../middleware/session";
import { webSocketUpgrade } from "../middleware/upgrade";
import { isPrivateRoom } from "../private-rooms";

/** The largest `PUT /api/me/rooms` body read, in bytes. */
const ROOMS_BODY_MAX = 8192;

/** `/api/me`: the signed-in account; 401 `unauthorized` for anyone else. */
export const me = routes()
  .use("*", session, requireAccount)
  .get("/", async (c: Context<SessionEnv>) => {
    const view = await homeOf(c)?.view();
    return view ? c.json(view) : httpError(HttpError.unauthorized, "sign in first");
  })
  /**
   * v1.9: this device's socket into its account: the rooms kept joined and
   * the conversations (with unread counts), then each change as it happens.
   */
  .get(
    "/live",
    webSocketUpgrade("connect with a WebSocket to listen to your account"),
    allowedOrigin("this page's origin may not listen to accounts here"),
    async (c: Context<SessionEnv>) => {
      const signedIn = c.get("signedIn");
      const home = homeOf(c);
      if (signedIn === null || home === null) return httpError(HttpError.unauthorized, "sign in first");
      const headers = new Headers({ Upgrade: "websocket", [HOME_SESSION_HEADER]: signedIn.sessionId });
      return home.fetch(new Request(c.req.url, { headers }));
    },
  )
  /**
   * v1.9: the name an account goes by, found by that name or any look-alike
   * of it (`B0B` finds `bob`): what a conversation is titled, however it was typed.
   */
  .get("/people/:name", async (c: Context<SessionEnv>) => {
    const check = checkUsername(c.req.param("name") ?? "");
    const found = check.ok ? await claimLookup(c.env)(check.username) : null;
    return found ? c.json({ name: found.name }) : httpError(HttpError.notFound, "nobody has an account called that");
  })
  /** v1.9: the rooms this account keeps joined, the same on every device. */
  .get("/rooms", async (c: Context<SessionEnv>) => {
    const rooms = await homeOf(c)?.joinedRooms();
    return c.json({ rooms: rooms ?? [] });
  })
  .put(
    "/rooms",
    allowedOrigin("this page's origin may not change your rooms here"),
    // Twenty names of 64 characters are under 2 KiB: anything past this is not a list of rooms.
    bodyLimit({
      maxSize: ROOMS_BODY_MAX,
      onError: () => httpError(HttpError.tooLarge, `the body is at most ${ROOMS_BODY_MAX} bytes`),
    }),
    async (c: Context<SessionEnv>) => {
      const body = v.safeParse(JoinedRooms, await c.req.json().catch(() => null));
      // The limit counts rooms, so one named twice (or as `Lobby` and `lobby`) counts once.
      // A stranger room is a conversation that ends: nothing to keep joined.
      const rooms = body.success
        ? [...new Set(body.output.rooms.map((room) => canonicalRoom(room) ?? room))].filter(
            (room) => !isPrivateRoom(room),
          )
        : null;
      if (rooms === null || rooms.length > JOINED_ROOMS_MAX) {
        return httpError(HttpError.badRequest, `the body is {rooms: up to ${JOINED_ROOMS_MAX} room names}`);
      }
      await homeOf(c)?.setJoinedRooms(rooms);
      return c.json({ rooms });
    },
  )
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

const JoinedRooms = v.object({ rooms: v.array(v.pipe(v.string(), v.regex(ROOM_NAME))) });

function homeOf(c: Context<SessionEnv>) {
  const signedIn = c.get("signedIn");
  return signedIn === null ? null : c.env.ACCOUNT.get(c.env.ACCOUNT.idFromString(signedIn.token.account));
}
