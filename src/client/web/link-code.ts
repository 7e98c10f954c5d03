/**
 * The one-time code of an "add a device" link, read from its fragment
 * (`/link#<code>`): browsers never send a fragment to a server, so the code
 * stays out of logs. Null when the fragment holds nothing that could be one.
 */
export function linkCode(hash: string): string | null {
  let code = hash.startsWith("#") ? hash.slice(1) : hash;
  try {
    code = decodeURIComponent(code).trim();
  } catch {
    return null;
  }
  // The server's codes are `<account id>.<secret>`, both URL-safe; anything else is a mangled copy.
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(code) ? code : null;
}

/** How long a link made now still works, said as the server's rule (10 minutes, once) with its end. */
export function linkValidText(expiresAt: number, now: number, clock: (at: number) => string): string {
  const minutes = Math.max(1, Math.round((expiresAt - now) / 60_000));
  const span = minutes === 1 ? "1 minute" : `${minutes} minutes`;
  return `Valid for ${span}, once (until ${clock(expiresAt)}). Anyone with the link can add a device: send it only to yourself.`;
}
