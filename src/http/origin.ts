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
