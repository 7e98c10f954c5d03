import * as v from "valibot";

/**
 * A ticket into one private room for one person, signed by the matchmaker
 * with HMAC-SHA256 so the worker can check it without asking anyone.
 */
export interface Ticket {
  room: string;
  username: string;
  session: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

/**
 * How long a ticket may wait before it is first used. After that it still
 * brings its holder back into the room while they are a member there (a
 * reconnect within the grace), never a stranger.
 */
export const TICKET_TTL_MS = 10 * 60_000;

const TicketSchema = v.object({
  room: v.string(),
  username: v.string(),
  session: v.string(),
  exp: v.number(),
});

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function key(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** `<payload>.<signature>`, both base64url. */
export async function signTicket(secret: string, ticket: Ticket): Promise<string> {
  const payload = encoder.encode(JSON.stringify(ticket));
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await key(secret), payload));
  return `${toBase64Url(payload)}.${toBase64Url(signature)}`;
}

/**
 * The ticket, if its signature holds; null otherwise. Expiry is left to the
 * caller: a genuine ticket past its time still names its holder, and the
 * room decides whether that holder may come back.
 */
export async function openTicket(secret: string, token: string): Promise<Ticket | null> {
  const [payloadPart, signaturePart, extra] = token.split(".");
  if (!payloadPart || !signaturePart || extra !== undefined) return null;
  const payload = fromBase64Url(payloadPart);
  const signature = fromBase64Url(signaturePart);
  if (!payload || !signature) return null;
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify("HMAC", await key(secret), signature, payload);
  if (!valid) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return null;
  }
  const ticket = v.safeParse(TicketSchema, json);
  return ticket.success ? ticket.output : null;
}

export function isExpired(ticket: Ticket, now: number): boolean {
  return ticket.exp < now;
}
