import { roomRoutes } from "../app";
import { withPeer } from "../conversation-door";
import { BAD_ROOM_MESSAGE, HttpError, httpError } from "../errors";
import { accountDoor } from "../middleware/account-door";
import { allowedOrigin } from "../middleware/origin";
import { privateTicket } from "../middleware/private-room";
import { roomName } from "../middleware/room-name";
import { webSocketUpgrade } from "../middleware/upgrade";

/**
 * `/chat/:room`: a WebSocket into the room's Durable Object, one per room,
 * named by the room's canonical spelling. Every check happens here, so a
 * refused request never wakes an object.
 */
export const chat = roomRoutes()
  .get(
    "/:room",
    roomName,
    webSocketUpgrade("connect with a WebSocket to join a room"),
    allowedOrigin("this page's origin may not join rooms here"),
    privateTicket,
    accountDoor,
    // Only a conversation's door names a peer: whatever a client sent here under that header goes.
    (c) => c.env.CHAT_ROOM.getByName(c.get("room")).fetch(withPeer(c.get("forward"), null)),
  )
  // `/chat/` and `/chat/a/b`: not a room name either.
  .all("/*", () => httpError(HttpError.badRoom, BAD_ROOM_MESSAGE));
