import { ClientType, ErrorCode, type ErrorPayload, isClientId } from "../../protocol";
import { isAction, newClientId, type QueuedFrame, queuedFrame } from "./queued-frames";

/**
 * What a person sent and has not yet seen delivered: messages, DMs, edits,
 * deletions and reactions alike, shared by the web app and the terminal
 * client. Pure: the clock and the ids come in from outside, so every rule
 * below is tested without a socket.
 *
 * - Each entry gets a `clientId` once, when typed. A resend after a dropped
 *   connection or a reload carries the same one, and the server applies it
 *   at most once (a reaction sent twice does not toggle back).
 * - Nothing is refused for being offline: an entry made while disconnected
 *   waits and goes out after the next welcome.
 * - One entry is on the wire at a time and the rest wait in order, so a
 *   refusal (rate limit) can never let a later one overtake an earlier one,
 *   and an edit never reaches the room before the message it changes.
 * - `rate_limited` holds the queue for `retryAfterMs` and sends the entry
 *   again. Any other refusal of a message marks it failed, with the reason,
 *   until the person retries or discards it; a refused action (not yours, no
 *   such message) is taken out and reported with its reason, since sending it
 *   again would be refused again.
 */

/** `queued`: waiting its turn or for a connection. `sending`: on the wire, not yet acked. */
export type SendState = "queued" | "sending" | "failed";

export interface Outgoing {
  clientId: string;
  frame: QueuedFrame;
  /** The line as typed (or what the action does), for showing while pending. */
  text: string;
  state: SendState;
  /** Why the server refused it; set when failed. */
  error?: { code: string; message: string };
  /** When it was typed, ms since the epoch. */
  createdAt: number;
}

/** What a refusal did to the queue. */
export type Refusal =
  | { kind: "retry"; item: Outgoing; at: number }
  | { kind: "failed"; item: Outgoing }
  /** An action refused: it left the queue. */
  | { kind: "dropped"; item: Outgoing }
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

  /** Entries still to be delivered (queued or on the wire); failed ones wait for the person. */
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
   * Takes a typed line: a message, DM, `/edit`, `/delete` or `/react` is
   * queued and returned; any other command gives null. `replyTo` makes a chat
   * message a reply (anything else ignores it).
   */
  add(typed: string, now: number, clientId = newClientId(), replyTo?: number): Outgoing | null {
    const frame = queuedFrame(typed, clientId, replyTo);
    return frame ? this.addFrame(frame, typed, now) : null;
  }

  /** Takes a frame built by the app (a button's reaction, the composer's edit); its `clientId` names the entry. */
  addFrame(frame: QueuedFrame, text: string, now: number): Outgoing {
    const { clientId } = frame.payload;
    if (clientId === undefined) throw new Error("a queued frame carries its clientId");
    const item: Outgoing = { clientId, frame, text, state: "queued", createdAt: now };
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
    if (isAction(item.frame)) {
      this.#items = this.#items.filter((i) => i !== item);
      return {
        kind: "dropped",
        item: { ...item, state: "failed", error: { code: error.code, message: error.message } },
      };
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
  return (
    typeof item.clientId === "string" &&
    isClientId(item.clientId) &&
    typeof item.text === "string" &&
    typeof item.createdAt === "number" &&
    (item.state === "queued" || item.state === "sending" || item.state === "failed") &&
    isQueuedFrame(item.frame, item.clientId)
  );
}

/** A saved frame of one of the five kinds the queue holds, whole, with the entry's id. */
function isQueuedFrame(value: unknown, clientId: string): boolean {
  const frame = value as { type?: unknown; payload?: Record<string, unknown> } | undefined;
  const payload = frame?.payload;
  if (typeof payload !== "object" || payload === null || payload.clientId !== clientId) return false;
  const id = typeof payload.id === "number";
  switch (frame?.type) {
    case ClientType.chatMessage:
      return typeof payload.message === "string";
    case ClientType.dm:
      return typeof payload.message === "string" && typeof payload.to === "string";
    case ClientType.edit:
      return id && typeof payload.message === "string";
    case ClientType.delete:
      return id;
    case ClientType.react:
      return id && typeof payload.emoji === "string";
    default:
      return false;
  }
}
