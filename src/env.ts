import type { ChatRoom } from "./room/chat-room";

/** Bindings from `wrangler.toml`. */
export interface Env {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  ASSETS: Fetcher;
}
