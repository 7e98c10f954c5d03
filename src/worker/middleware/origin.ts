import { createMiddleware } from "hono/factory";
import type { WorkerEnv } from "../app";
import { HttpError, httpError } from "../errors";

/**
 * Whether a browser page at `origin` may open a socket here. Browsers always
 * send `Origin` on WebSocket upgrades, so a missing header means a terminal
 * client or a server, which cross-site request forgery cannot reach.
 *
 * `allowed` is `ALLOWED_ORIGINS`: comma-separated exact origins. Unset, only
 * the worker's own origin is allowed.
 */
export function isOriginAllowed(origin: string | undefined, requestUrl: string, allowed: string | undefined): boolean {
  if (origin === undefined) return true;
  const list =
    allowed === undefined || allowed.trim() === ""
      ? [new URL(requestUrl).origin]
      : allowed
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean);
  return list.includes(origin);
}

/**
 * Refuses browser pages from origins `ALLOWED_ORIGINS` does not list, with 403
 * `forbidden_origin` and `message`. A refusal at a room's door is logged with
 * the room, where an operator looks for who was kept out of it.
 */
export const allowedOrigin = (message: string) =>
  createMiddleware<WorkerEnv & { Variables: { room?: string } }>(async (c, next) => {
    const origin = c.req.header("Origin");
    if (!isOriginAllowed(origin, c.req.url, c.env.ALLOWED_ORIGINS)) {
      const room = c.get("room");
      if (room !== undefined) console.log(JSON.stringify({ event: "origin_refused", room, origin }));
      return httpError(HttpError.forbiddenOrigin, message);
    }
    await next();
  });
