import { createMiddleware } from "hono/factory";
import { canonicalRoom } from "../../protocol";
import type { RoomEnv } from "../app";
import { BAD_ROOM_MESSAGE, HttpError, httpError } from "../errors";

/**
 * Checks `:room` and sets `room` to its canonical (lower-case) spelling, the
 * one that names the room's Durable Object, so `/chat/Lobby` and `/chat/lobby`
 * meet and every later check reads the same spelling. A bad name never wakes
 * an object.
 */
export const roomName = createMiddleware<RoomEnv>(async (c, next) => {
  const room = canonicalRoom(c.req.param("room") ?? "");
  if (room === null) return httpError(HttpError.badRoom, BAD_ROOM_MESSAGE);
  c.set("room", room);
  await next();
});
