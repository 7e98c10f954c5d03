import type { HeldSocket } from "../../platform/sockets";
import type { Member } from "../core/roster";

/**
 * The member's counters as one connection last saw them: rate-limit bucket,
 * drops, message count and times. Each frame rewrites only its own socket's
 * copy; after waking, the freshest copy among a member's sockets is the one
 * that counts (see `freshest`).
 */
export type Counters = Pick<Member, "lastSeen" | "messagesSent" | "bucket" | "drops" | "typingAt">;

/**
 * What a socket carries across hibernation: its own connection's small state
 * and nothing about the member's other tabs, so its size does not grow with
 * them (the runtime refuses attachments over 16 KiB). Who the member is (name,
 * role, away deadline) is in SQLite. `left` is set the moment the room lets
 * the socket go (quit, kick, found closed after waking), so a socket that is
 * still closing is never counted or sent to again. Sockets refused at the
 * door carry no attachment.
 */
export interface Attachment {
  conn: string;
  session: string;
  /** This connection's last frame (or its arrival): its own idle clock. */
  seen: number;
  counters: Counters;
  left?: true;
  /** The account session this connection came in with (its public id): ending that session ends it. */
  signedInAs?: string;
}

export function countersOf(member: Member): Counters {
  const { lastSeen, messagesSent, bucket, drops, typingAt } = member;
  return typingAt === undefined
    ? { lastSeen, messagesSent, bucket, drops }
    : { lastSeen, messagesSent, bucket, drops, typingAt };
}

/** Of several copies of one member's counters, the one written last: counters only move forward in time. */
export function freshest(copies: readonly Counters[]): Counters | undefined {
  let best: Counters | undefined;
  for (const c of copies) if (!best || c.lastSeen > best.lastSeen) best = c;
  return best;
}

export function readAttachment(ws: Pick<HeldSocket, "deserializeAttachment">): Attachment | null {
  let value: unknown;
  try {
    value = ws.deserializeAttachment();
  } catch {
    return null;
  }
  return isAttachment(value) ? value : null;
}

/** The part of a socket that keeping an attachment needs. */
export interface Attachable {
  readonly readyState: number;
  serializeAttachment(value: unknown): void;
  close(code?: number, reason?: string): void;
}

/** Close code for a socket whose state could not be kept: the client reconnects and resumes. */
export const LOST_STATE_CLOSE = 1011;

/**
 * Writes an attachment. A socket that has just closed may refuse, and then
 * has nothing to keep: its close event finds the previous attachment, and
 * `left` guards it. An open socket that refuses would be forgotten at the
 * next wake (no acks, no errors, no idle eviction, while the runtime still
 * answers its pings), so it is closed instead, and the client reconnects.
 * Returns whether the write was kept.
 */
export function writeAttachment(ws: Attachable, attachment: Attachment): boolean {
  try {
    ws.serializeAttachment(attachment);
    return true;
  } catch {
    if (ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.close(LOST_STATE_CLOSE, "connection state not saved; reconnect");
    } catch {
      // Closing already.
    }
    return false;
  }
}

function isAttachment(value: unknown): value is Attachment {
  return (
    typeof value === "object" &&
    value !== null &&
    "conn" in value &&
    typeof value.conn === "string" &&
    "session" in value &&
    typeof value.session === "string" &&
    "seen" in value &&
    typeof value.seen === "number" &&
    "counters" in value &&
    typeof value.counters === "object" &&
    value.counters !== null
  );
}
