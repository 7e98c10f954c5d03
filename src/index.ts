import { Hono } from "hono";
import type { Env } from "./env";
import { jsonError } from "./http/errors";
import { isOriginAllowed } from "./http/origin";
import { admitToPrivateRoom, forbiddenSocket, isPrivateRoom, publicRequest } from "./http/private-rooms";
import { matchSecret } from "./match/secret";
import { canonicalRoom, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, isRoomName } from "./protocol";

export { BenchFloor } from "./bench/floor";
export { Matchmaker } from "./match/matchmaker";
export { ChatRoom } from "./room/chat-room";

/**
 * Routes. Room names are checked here, so a bad request never wakes a Durable
 * Object; each valid room name maps to exactly one object, named by the room's
 * lower-case spelling (`canonicalRoom`), so `/chat/Lobby` and `/chat/lobby`
 * meet. Every check on a name (private or not, a ticket's room) reads that
 * same spelling, so capitals cannot slip a name past one.
 */
export const app = new Hono<{ Bindings: Env }>();

app.get("/healthz", (c) => c.json({ ok: true }));

const BAD_ROOM = "a room name is 1-64 characters of A-Z a-z 0-9 _ -";

app.get("/chat/:room", async (c) => {
  const room = canonicalRoom(c.req.param("room"));
  if (room === null) return jsonError(c, 400, "bad_room", BAD_ROOM);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "upgrade_required", "connect with a WebSocket to join a room");
  }
  const origin = c.req.header("Origin");
  if (!isOriginAllowed(origin, c.req.url, c.env.ALLOWED_ORIGINS)) {
    console.log(JSON.stringify({ event: "origin_refused", room, origin }));
    return jsonError(c, 403, "forbidden_origin", "this page's origin may not join rooms here");
  }
  if (isPrivateRoom(room)) {
    const admitted = await admitToPrivateRoom(c.req.raw, room, c.env.MATCH_SECRET, Date.now());
    if (!admitted) return forbiddenSocket("this private room needs a valid ticket from the matchmaker");
    return c.env.CHAT_ROOM.getByName(room).fetch(admitted);
  }
  return c.env.CHAT_ROOM.getByName(room).fetch(publicRequest(c.req.raw));
});

// Stranger matching: one matchmaker object holds the queue.
app.get("/match", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "upgrade_required", "connect with a WebSocket to be matched");
  }
  if (!isOriginAllowed(c.req.header("Origin"), c.req.url, c.env.ALLOWED_ORIGINS)) {
    return jsonError(c, 403, "forbidden_origin", "this page's origin may not use the matchmaker");
  }
  if (!matchSecret(c.env.MATCH_SECRET, c.req.url)) {
    return jsonError(c, 503, "unavailable", "matchmaking needs MATCH_SECRET: wrangler secret put MATCH_SECRET");
  }
  return c.env.MATCHMAKER.getByName("global").fetch(publicRequest(c.req.raw));
});

// `/chat/` and `/chat/a/b`: not a room name either.
app.all("/chat/*", (c) => jsonError(c, 400, "bad_room", BAD_ROOM));

// Private conversations are nobody else's business.
app.use("/api/rooms/:room/*", async (c, next) => {
  const room = canonicalRoom(c.req.param("room"));
  if (room !== null && isPrivateRoom(room)) return jsonError(c, 403, "forbidden", "private room");
  await next();
});

app.get("/api/rooms/:room", async (c) => {
  const room = canonicalRoom(c.req.param("room"));
  if (room === null) return jsonError(c, 400, "bad_room", BAD_ROOM);
  if (isPrivateRoom(room)) return jsonError(c, 403, "forbidden", "private room");
  return c.json(await c.env.CHAT_ROOM.getByName(room).info(room));
});

app.get("/api/rooms/:room/history", async (c) => {
  const room = canonicalRoom(c.req.param("room"));
  if (room === null) return jsonError(c, 400, "bad_room", BAD_ROOM);
  const before = optionalInteger(c.req.query("before"));
  const after = optionalInteger(c.req.query("after"));
  const limit = optionalInteger(c.req.query("limit"));
  const badLimit = limit !== undefined && limit !== null && (limit < 1 || limit > HISTORY_PAGE_MAX);
  if (
    before === null ||
    after === null ||
    limit === null ||
    badLimit ||
    (before !== undefined && after !== undefined)
  ) {
    return jsonError(
      c,
      400,
      "bad_request",
      `before or after is a message id (not both); limit is 1-${HISTORY_PAGE_MAX} (default ${HISTORY_PAGE_DEFAULT})`,
    );
  }
  const stub = c.env.CHAT_ROOM.getByName(room);
  return c.json(await stub.historyPage(before, limit ?? HISTORY_PAGE_DEFAULT, after));
});

app.all("/api/*", (c) => jsonError(c, 404, "not_found", "no such API route"));

// The benchmark's floor; does not exist unless the benchmark switched it on.
app.get("/bench/floor/:room", (c) => {
  const room = c.req.param("room");
  if (c.env.BENCH_FLOOR_ENABLED !== "1" || !isRoomName(room)) return jsonError(c, 404, "not_found", "not found");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "upgrade_required", "connect with a WebSocket");
  }
  return c.env.BENCH_FLOOR.getByName(room).fetch(c.req.raw);
});

app.notFound((c) => jsonError(c, 404, "not_found", "not found"));

app.onError((err, c) => {
  console.error(JSON.stringify({ event: "error", path: c.req.path, message: String(err) }));
  return jsonError(c, 500, "internal", "something went wrong");
});

/** `undefined` when absent, `null` when present but not a non-negative integer. */
function optionalInteger(value: string | undefined): number | undefined | null {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

export default app satisfies ExportedHandler<Env>;
