import { roomRoutes } from "../app";
import { HttpError, httpError } from "../errors";
import { noPrivateRooms } from "../middleware/private-room";
import { roomName } from "../middleware/room-name";
import { HISTORY_QUERY_RULE, historyQuery } from "./history-query";
import { SEARCH_QUERY_RULE, searchQuery } from "./search-query";

/**
 * `/api/rooms/:room`: what a room holds, read without joining it. These
 * calls wake the room's object but write nothing to it. A private room
 * answers none of them (403): its history and its search alike.
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
    const started = performance.now();
    const stub = c.env.CHAT_ROOM.getByName(c.get("room"));
    const { messages, hasMore, roomMs } = await stub.historyPage(query.before, query.limit, query.after);
    c.header("Server-Timing", serverTiming(roomMs, started));
    return c.json({ messages, hasMore });
  })
  .get("/:room/search", roomName, async (c) => {
    const query = searchQuery((name) => c.req.query(name));
    if (query === null) return httpError(HttpError.badRequest, SEARCH_QUERY_RULE);
    const started = performance.now();
    const stub = c.env.CHAT_ROOM.getByName(c.get("room"));
    const { results, hasMore, roomMs } = await stub.search(query.q, query.before, query.limit);
    c.header("Server-Timing", serverTiming(roomMs, started));
    return c.json({ results, hasMore });
  });

/**
 * v1.9: `room` is the time the room's object spent answering, `call` the time
 * the worker waited for it (the call across included); the benchmark reads both.
 */
function serverTiming(roomMs: number, started: number): string {
  return `room;dur=${roomMs.toFixed(2)}, call;dur=${(performance.now() - started).toFixed(2)}`;
}
