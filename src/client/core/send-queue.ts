import { type ClientFrame, ClientType, ErrorCode, type ErrorPayload, isClientId, parseLine } from "../../protocol";

/**
 * What a person typed and has not yet seen delivered, shared by the web app
 * and the terminal client. Pure: the clock and the ids come in from outside,
 * so every rule below is tested without a socket.
 *
 * - Each message gets a `clientId` once, when typed. A resend after a dropped
 *   connection or a reload carries the same one, and the server delivers it
 *   at most once.
 * - One message is on the wire at a time and the rest wait in order, so a
 *   refusal (rate limit) can never let a later message overtake an earlier one.
 * - `rate_limited` holds the queue for `retryAfterMs` and sends the message
 *   again; any other refusal marks it failed, with the reason, until the
 *   person retries or discards it.
 */

/** A chat message or DM, as sent: it carries the `clientId`. */
export type MessageFrame = Extract<ClientFrame, { type: "chatMessage" | "dm" }>;

/** `queued`: waiting its turn or for a connection. `sending`: on the wire, not yet acked. */
export type SendState = "queued" | "sending" | "failed";

export interface Outgoing {
  clientId: string;
  frame: MessageFrame;
  /** The line as typed, for showing while pending. */
  text: string;
  state: SendState;
  /** Why the server refused it; set when failed. */
  error?: { code: string; message: string };
  /** When it was typed, ms since the epoch. */
  createdAt: number;
}

/** Ids that are unique without coordination: 32 hex digits, well inside the protocol's 64. */
export function newClientId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * The message a typed line sends, or null for a command (`/users`, `/kick`...)
 * or a line the server should answer itself (a `/msg` without text). Length is
 * not checked here: the server's refusal (`too_long`) keeps the text visible
 * as failed, where a local check would have to drop or bounce it.
 */
export function messageFrame(typed: string, clientId: string, replyTo?: number): MessageFrame | null {
  const parsed = parseLine(typed, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) return null;
  const { frame } = parsed;
  // The parsed payload is kept whole (a `/reply` carries `replyTo`); only the id is added,
  // and the message a reply answers when the app chose it rather than a typed `/reply`.
  if (frame.type === ClientType.chatMessage) {
    const answers = replyTo === undefined ? {} : { replyTo };
    return { type: frame.type, payload: { ...frame.payload, ...answers, clientId } };
  }
  if (frame.type === ClientType.dm) return { type: frame.type, payload: { ...frame.payload, clientId } };
  return null;
}

/** What a refusal did to the queue. */
export type Refusal =
  | { kind: "retry"; item: Outgoing; at: number }
  | { kind: "failed"; item: Outgoing }
  /** The error named no message of ours; a rate limit still holds the queue. */
  | { kind: "other" };

export class SendQueue {
  #items: Outgoing[] = [];
  /** No send before this time: the server said when it would accept the next frame. */
  #heldUntil = 0;

  constructor(items: readonly Outgoing[] = []) {
    // Whatever was on the wire when these were saved may or may not have arrived;
    // the same clientId makes sending it again safe either way.
    this.#items = items.map((item) => (item.state === "sending" ? { ...item, state: "queued" } : { ...item }));
  }

  /** Everything not yet acked, in the order it was typed. */
  get items(): readonly Outgoing[] {
    return this.#items;
  }

  /** Messages still to be delivered (queued or on the wire); failed ones wait for the person. */
  get unsent(): number {
    return this.#items.filter((i) => i.state !== "failed").length;
  }

  get failed(): readonly Outgoing[] {
    return this.#items.filter((i) => i.state === "failed");
  }

  /** When the rate limit lets the next message go; 0 when it does not hold. */
  get heldUntil(): number {
    return this.#heldUntil;
  }

  /**
   * Takes a typed line: a message is queued and returned; a command gives null.
   * `replyTo` makes a chat message a reply (a DM or a command ignores it).
   */
  add(typed: string, now: number, clientId = newClientId(), replyTo?: number): Outgoing | null {
    const frame = messageFrame(typed, clientId, replyTo);
    if (!frame) return null;
    const item: Outgoing = { clientId, frame, text: typed, state: "queued", createdAt: now };
    this.#items.push(item);
    return item;
  }

  /**
   * The message to put on the wire now, if any: the oldest queued one, when
   * none is awaiting its ack and the rate limit does not hold. The caller
   * sends it and then calls `sending`.
   */
  next(now: number): Outgoing | null {
    if (now < this.#heldUntil) return null;
    if (this.#items.some((i) => i.state === "sending")) return null;
    return this.#items.find((i) => i.state === "queued") ?? null;
  }

  sending(clientId: string): void {
    this.#update(clientId, (item) => ({ ...item, state: "sending" }));
  }

  /** The server took it (a `duplicate` ack too: it had been delivered before). */
  acked(clientId: string): Outgoing | null {
    const item = this.#find(clientId);
    if (item) this.#items = this.#items.filter((i) => i !== item);
    return item;
  }

  /** An `error` frame: a message of ours refused, or a rate limit that holds every send. */
  refused(error: ErrorPayload, now: number): Refusal {
    const limited = error.code === ErrorCode.rateLimited;
    if (limited) this.#heldUntil = Math.max(this.#heldUntil, now + Math.max(error.retryAfterMs ?? 1000, 50));
    const item = error.clientId === undefined ? null : this.#find(error.clientId);
    if (!item) return { kind: "other" };
    if (limited) {
      const queued = this.#update(item.clientId, (i) => ({ ...i, state: "queued" }));
      return { kind: "retry", item: queued ?? item, at: this.#heldUntil };
    }
    const failed = this.#update(item.clientId, (i) => ({
      ...i,
      state: "failed",
      error: { code: error.code, message: error.message },
    }));
    return { kind: "failed", item: failed ?? item };
  }

  /** The connection is gone: what was on the wire is sent again, with the same id, after the reconnect. */
  disconnected(): void {
    this.#items = this.#items.map((i) => (i.state === "sending" ? { ...i, state: "queued" } : i));
  }

  /** Queues failed messages again (one, or all of them); returns how many. */
  retry(clientId?: string): number {
    let count = 0;
    this.#items = this.#items.map((i) => {
      if (i.state !== "failed" || (clientId !== undefined && i.clientId !== clientId)) return i;
      count++;
      const { error: _, ...rest } = i;
      return { ...rest, state: "queued" };
    });
    return count;
  }

  /** Drops failed messages (one, or all of them) and returns them. */
  discard(clientId?: string): Outgoing[] {
    const gone = this.#items.filter((i) => i.state === "failed" && (clientId === undefined || i.clientId === clientId));
    this.#items = this.#items.filter((i) => !gone.includes(i));
    return gone;
  }

  #find(clientId: string): Outgoing | null {
    return this.#items.find((i) => i.clientId === clientId) ?? null;
  }

  #update(clientId: string, change: (item: Outgoing) => Outgoing): Outgoing | null {
    const index = this.#items.findIndex((i) => i.clientId === clientId);
    const item = this.#items[index];
    if (!item) return null;
    const changed = change(item);
    this.#items = this.#items.with(index, changed);
    return changed;
  }
}

/**
 * Reads saved items back (the web app keeps them in sessionStorage), keeping
 * only well-formed ones: a damaged entry must not break the page.
 */
export function restoreItems(json: string | null): Outgoing[] {
  if (!json) return [];
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.filter(isOutgoing);
}

function isOutgoing(value: unknown): value is Outgoing {
  if (typeof value !== "object" || value === null) return false;
  const item = value as Partial<Outgoing>;
  const frame = item.frame as { type?: unknown; payload?: Record<string, unknown> } | undefined;
  return (
    typeof item.clientId === "string" &&
    isClientId(item.clientId) &&
    typeof item.text === "string" &&
    typeof item.createdAt === "number" &&
    (item.state === "queued" || item.state === "sending" || item.state === "failed") &&
    (frame?.type === ClientType.chatMessage || frame?.type === ClientType.dm) &&
    typeof frame.payload?.message === "string" &&
    frame.payload.clientId === item.clientId &&
    (frame.type === ClientType.chatMessage || typeof frame.payload.to === "string")
  );
}
