import type { ChatRoom } from "./room/chat-room";
import type { RoomVars } from "./room/config";

/** Bindings and `[vars]` from `wrangler.toml`. */
export interface Env extends RoomVars {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  ASSETS: Fetcher;
  /** Comma-separated origins allowed to open sockets from browsers; unset means only this worker's own. */
  ALLOWED_ORIGINS?: string;
}
