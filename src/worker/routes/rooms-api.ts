import { roomRoutes } from "../app";
import { HttpError, httpError } from "../errors";
import { noPrivateRooms } from "../middleware/private-room";
import { roomName } from "../middleware/room-name";
import { HISTORY_QUERY_RULE, historyQuery } from "./history-query";

/**
 * `/api/rooms/:room`: what a room holds, read without joining it. These
 * calls wake the room's object but write nothing to it.
 */
export const roomsApi = roomRoutes()
  // Also covers `/:room` itself, and any method: private rooms are not there to be read.
  .use("/:room/*", noPrivateRooms)
  .get("/:room", roomName, async (c) => {
    const room = c.get("room");
    return c.json(await c.env.CHAT_ROOM.getByName(room).info(room));
  })
  .get("/:room/history", roomName, async (c) => {
    const query = historyQuery((name) => c.req.query(name));
    if (query === null) return httpError(HttpError.badRequest, HISTORY_QUERY_RULE);
    const stub = c.env.CHAT_ROOM.getByName(c.get("room"));
    return c.json(await stub.historyPage(query.before, query.limit, query.after));
  });
