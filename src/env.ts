import type { BenchFloor } from "./bench/floor";
import type { Matchmaker } from "./match/matchmaker";
import type { ChatRoom } from "./room/chat-room";
import type { RoomVars } from "./room/config";

/** Bindings and `[vars]` from `wrangler.toml`. */
export interface Env extends RoomVars {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
  MATCHMAKER: DurableObjectNamespace<Matchmaker>;
  ASSETS: Fetcher;
  /** The benchmark's floor, reachable only when BENCH_FLOOR_ENABLED is "1" (`npm run bench` sets it). */
  BENCH_FLOOR: DurableObjectNamespace<BenchFloor>;
  BENCH_FLOOR_ENABLED?: string;
  /** Signs private-room tickets; a secret in production (`wrangler secret put MATCH_SECRET`). */
  MATCH_SECRET?: string;
  /** Comma-separated origins allowed to open sockets from browsers; unset means only this worker's own. */
  ALLOWED_ORIGINS?: string;
}
