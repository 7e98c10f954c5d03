import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every HTTP error is `{"error": {"code", "message"}}`, like the socket's `error` frame. */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}
