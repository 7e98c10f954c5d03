import { SHARD_HEADER, shardName } from "../../room/shards/traffic";
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
    async (c) => {
      const room = c.get("room");
      const forward = withPeer(c.get("forward"), null);
      const answer = await c.env.CHAT_ROOM.getByName(room).fetch(forward.clone());
      // A big room places this joiner on one of its fan-out shards: the shard holds the socket.
      const shard = Number(answer.headers.get(SHARD_HEADER) ?? Number.NaN);
      if (answer.status === 101 || !Number.isSafeInteger(shard) || shard < 1) return answer;
      const placed = new Request(forward);
      placed.headers.set(SHARD_HEADER, String(shard));
      return c.env.ROOM_SHARD.getByName(shardName(room, shard)).fetch(placed);
    },
  )
  // `/chat/` and `/chat/a/b`: not a room name either.
  .all("/*", () => httpError(HttpError.badRoom, BAD_ROOM_MESSAGE));
