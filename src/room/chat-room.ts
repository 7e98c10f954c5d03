/** Where the worker and `Env` find the room's Durable Object class. */
export { ChatRoom, type RoomInfo } from "./durable/chat-room";
