import type { Matchmaker } from "./match/matchmaker";
import type { ChatRoom } from "./room/chat-room";
import type { RoomVars } from "./room/config";

/** Bindings and `[vars]` from `wrangler.toml`. */
export interface Env extends RoomVars {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  MATCHMAKER: DurableObjectNamespace<Matchmaker>;
  ASSETS: Fetcher;
  /** Signs private-room tickets; a secret in production (`wrangler secret put MATCH_SECRET`). */
  MATCH_SECRET?: string;
  /** Comma-separated origins allowed to open sockets from browsers; unset means only this worker's own. */
  ALLOWED_ORIGINS?: string;
}
