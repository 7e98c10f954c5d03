import { type Bucket, fullBucket, type RateLimit, take } from "../../room/core/rate-limit";

/**
 * What each matchmaker socket carries across hibernation, in its attachment.
 * Everything the matchmaker knows about a connection is here, so waking up
 * after hibernation loses no place in line, no rate-limit state and no
 * liveness.
 */
export interface Seeker {
  /** Connection id. */
  id: string;
  username: string;
  session: string;
  /** Origin of the request that opened the socket: the ticket key is resolved from it, as the worker does. */
  origin: string;
  /** Set while in the queue. */
  queued: { tags: string[]; wants: string[]; since: number } | null;
  /** When the last frame came in, ms; heartbeats are timed by the runtime instead. */
  seen: number;
  bucket: Bucket;
  /** Times of recent frames dropped by the rate limit, newest last. */
  drops: number[];
  /** The place in line this socket was last told (0: none), so only a change is sent again. */
  told: number;
  /** The count of recent partners waiting it was last told; absent in attachments from before it was sent. */
  toldRecent?: number;
}

export function newSeeker(
  fields: Pick<Seeker, "id" | "username" | "session" | "origin">,
  limit: RateLimit,
  now: number,
): Seeker {
  return { ...fields, queued: null, seen: now, bucket: fullBucket(limit, now), drops: [], told: 0, toldRecent: 0 };
}

/** The same connection, out of the queue: nothing told, so a later place is told afresh. */
export function outOfLine(seeker: Seeker): Seeker {
  return { ...seeker, queued: null, told: 0, toldRecent: 0 };
}

export function readSeeker(ws: WebSocket): Seeker | null {
  let value: unknown;
  try {
    value = ws.deserializeAttachment();
  } catch {
    return null;
  }
  return typeof value === "object" && value !== null && "id" in value && "queued" in value && "bucket" in value
    ? (value as Seeker)
    : null;
}

/** A socket that has just closed may refuse a new attachment; its close handler then sees the old one. */
export function writeSeeker(ws: WebSocket, seeker: Seeker): void {
  try {
    ws.serializeAttachment(seeker);
  } catch {
    // Closed meanwhile.
  }
}

/** The rate limit and how much dropping is tolerated before the connection is closed. */
export interface FrameLimit extends RateLimit {
  floodDrops: number;
  floodWindowMs: number;
}

/**
 * What to do with one incoming frame, as the room does it: take a token; with
 * none left, drop the frame and say when to retry; after `floodDrops` drops
 * within `floodWindowMs`, close the connection.
 */
export type Admission =
  | { verdict: "accept"; seeker: Seeker }
  | { verdict: "drop" | "close"; seeker: Seeker; retryAfterMs: number };

export function admitFrame(seeker: Seeker, limit: FrameLimit, now: number): Admission {
  const taken = take(seeker.bucket, limit, now);
  const seen = { ...seeker, seen: now, bucket: taken.bucket };
  if (taken.ok) return { verdict: "accept", seeker: seen };
  const drops = [...seeker.drops.filter((t) => now - t < limit.floodWindowMs), now].slice(-limit.floodDrops);
  return {
    verdict: drops.length < limit.floodDrops ? "drop" : "close",
    seeker: { ...seen, drops },
    retryAfterMs: taken.retryAfterMs,
  };
}

/** When the connection last showed signs of life: its last frame or its last answered heartbeat. */
export function lastActive(seeker: Seeker, heartbeat: Date | null): number {
  return Math.max(seeker.seen, heartbeat?.getTime() ?? 0);
}
