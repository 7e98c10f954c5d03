import { matchSecret } from "../match/core/secret";
import { isExpired, openTicket } from "../match/core/ticket";
import { refusedSocket } from "../platform/refused-socket";
import { CloseCode, canonicalRoom, ErrorCode, PRIVATE_ROOM_PREFIX } from "../protocol";

/** Set by the worker on requests into private rooms, after the ticket checked out. Never taken from clients. */
export const PRIVATE_HEADER = "x-hallway-private";

/**
 * Set with `PRIVATE_HEADER` when the ticket is genuine and for this room but
 * past its expiry: the room then lets in only someone who is still a member
 * (coming back within the reconnect grace), so a ticket lasts as long as its
 * conversation and opens nothing once that has ended.
 */
export const EXPIRED_TICKET_HEADER = "x-hallway-ticket-expired";

export function isPrivateRoom(room: string): boolean {
  return room.startsWith(PRIVATE_ROOM_PREFIX);
}

/**
 * Accepts the socket only to say why it may not join: `error` `forbidden`,
 * then close 4403. No Durable Object wakes for it.
 */
export function forbiddenSocket(message: string): Response {
  return refusedSocket({ code: ErrorCode.forbidden, message }, CloseCode.forbidden);
}

/**
 * The request to hand to a private room's object: name and session come from
 * the signed ticket (not from the query), and the private header is set. A
 * genuine ticket for this room that is past its expiry is still forwarded,
 * marked with `EXPIRED_TICKET_HEADER`, so its holder can come back for as long
 * as the conversation lasts; the room decides. Null when the ticket is
 * missing, forged or for another room, so those never wake an object.
 * `room` is the room's canonical spelling, and the ticket's room is read the
 * same way: whatever case a link uses, a ticket opens its own room and no other.
 */
export async function admitToPrivateRoom(
  request: Request,
  room: string,
  secret: string | undefined,
  now: number,
): Promise<Request | null> {
  const url = new URL(request.url);
  const key = matchSecret(secret, request.url);
  const token = url.searchParams.get("token");
  if (!key || !token) return null;
  const ticket = await openTicket(key, token);
  if (!ticket || canonicalRoom(ticket.room) !== room) return null;
  url.searchParams.set("username", ticket.username);
  url.searchParams.set("session", ticket.session);
  url.searchParams.delete("token");
  // Both headers are the worker's word alone: whatever a client sent is replaced.
  const headers = new Headers(request.headers);
  headers.set(PRIVATE_HEADER, "1");
  if (isExpired(ticket, now)) headers.set(EXPIRED_TICKET_HEADER, "1");
  else headers.delete(EXPIRED_TICKET_HEADER);
  return new Request(url, { headers });
}

/** The same request without any private header a client may have sent. */
export function publicRequest(request: Request): Request {
  if (!request.headers.has(PRIVATE_HEADER) && !request.headers.has(EXPIRED_TICKET_HEADER)) return request;
  const headers = new Headers(request.headers);
  headers.delete(PRIVATE_HEADER);
  headers.delete(EXPIRED_TICKET_HEADER);
  return new Request(request.url, { headers });
}
