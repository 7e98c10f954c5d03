import { createMiddleware } from "hono/factory";
import { HttpError, httpError } from "../errors";

/** Lets only WebSocket upgrades through; anything else is told, in `message`, to connect with one. */
export const webSocketUpgrade = (message: string) =>
  createMiddleware(async (c, next) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return httpError(HttpError.upgradeRequired, message);
    await next();
  });
