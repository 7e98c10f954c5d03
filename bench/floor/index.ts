import { BenchFloor } from "./bench-floor";

export { BenchFloor };

interface FloorEnv {
  FLOOR: DurableObjectNamespace<BenchFloor>;
}

/** `/floor/:room`, one floor object per room name, as the app maps `/chat/:room`. */
const ROOM_PATH = /^\/floor\/([A-Za-z0-9_-]{1,64})$/;

/**
 * The floor's worker: `/healthz` for the launcher that waits on it, and
 * `/floor/:room` with a WebSocket upgrade into that room's floor object.
 */
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/healthz") return Response.json({ ok: true });
    const room = ROOM_PATH.exec(pathname)?.[1];
    if (room === undefined) return new Response("not found", { status: 404 });
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("connect with a WebSocket", { status: 426 });
    }
    return env.FLOOR.getByName(room).fetch(request);
  },
} satisfies ExportedHandler<FloorEnv>;
