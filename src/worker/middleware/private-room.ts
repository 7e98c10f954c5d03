import { createMiddleware } from "hono/factory";
import { canonicalRoom } from "../../protocol";
import type { RoomEnv } from "../app";
import { HttpError, httpError } from "../errors";
import { admitToPrivateRoom, forbiddenSocket, isPrivateRoom, publicRequest } from "../private-rooms";

/** A room route's env once the door decided what the room receives: `forward`. */
export type AdmittedEnv = RoomEnv & { Variables: { forward: Request } };

/**
 * The door of a room's socket. A private room takes only a valid ticket from
 * the matchmaker (a missing or forged one is refused on the socket, waking
 * nothing), and receives the request the ticket vouches for; any other room
 * receives the request without the private headers a client may have forged.
 * Needs `roomName` before it.
 */
export const privateTicket = createMiddleware<AdmittedEnv>(async (c, next) => {
  const room = c.get("room");
  if (!isPrivateRoom(room)) {
    c.set("forward", publicRequest(c.req.raw));
    return next();
  }
  const admitted = await admitToPrivateRoom(c.req.raw, room, c.env.MATCH_SECRET, Date.now());
  if (!admitted) return forbiddenSocket("this private room needs a valid ticket from the matchmaker");
  c.set("forward", admitted);
  await next();
});

/**
 * Private conversations are nobody else's business: no HTTP route reads one.
 * Runs before the name is checked, so it reads the name's canonical spelling itself.
 */
export const noPrivateRooms = createMiddleware<RoomEnv>(async (c, next) => {
  const room = canonicalRoom(c.req.param("room") ?? "");
  if (room !== null && isPrivateRoom(room)) return httpError(HttpError.forbidden, "private room");
  await next();
});
