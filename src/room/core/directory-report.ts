import type { DirectoryRoom } from "../../protocol";

/**
 * How a listed room keeps its directory entry fresh (v1.9), as pure rules:
 * the room compares what the directory should say with what it last told it,
 * and reports a change at most once per interval. A removal goes at once; a
 * room with nothing new reports nothing, so an idle room is never woken.
 */

/** A listed room as the directory shows it. */
export type DirectoryEntry = DirectoryRoom;

/** What a room remembers of its reports; kept across hibernation. */
export interface ReportLog {
  /** The entry the directory holds, as last reported; null when it holds none. */
  reported: DirectoryEntry | null;
  /** When the last report went out (ms since the epoch); 0 when never. */
  at: number;
  /** After a report that failed: not before this time. */
  retryAt: number | null;
}

export const NO_REPORTS: ReportLog = { reported: null, at: 0, retryAt: null };

/** What the room should do about its entry now. */
export interface ReportPlan {
  /** When the next report is due; null when the directory is up to date. */
  due: number | null;
  /** What to send now, if it is due: the entry, or (null entry) its removal. */
  send: { entry: DirectoryEntry | null } | null;
}

export function sameEntry(a: DirectoryEntry | null, b: DirectoryEntry | null): boolean {
  if (a === null || b === null) return a === b;
  return a.room === b.room && a.topic === b.topic && a.userCount === b.userCount && a.lastMessageAt === b.lastMessageAt;
}

/**
 * `current`: the entry the room has now, null when it is not listed. A change
 * is due one interval after the last report (at once when that is past), so a
 * busy room reports at most once per interval and a change is told within
 * one; a removal is due at once. After a failure, nothing before `retryAt`.
 */
export function planReport(
  current: DirectoryEntry | null,
  log: ReportLog,
  now: number,
  intervalMs: number,
): ReportPlan {
  if (sameEntry(current, log.reported)) return { due: null, send: null };
  const earliest = current === null ? now : Math.max(now, log.at + intervalMs);
  const due = Math.max(earliest, log.retryAt ?? 0);
  return { due, send: due <= now ? { entry: current } : null };
}

/** The log after a report: sent (the directory holds `entry` now), or failed (try again an interval later). */
export function reported(
  log: ReportLog,
  entry: DirectoryEntry | null,
  ok: boolean,
  now: number,
  intervalMs: number,
): ReportLog {
  return ok ? { reported: entry, at: now, retryAt: null } : { ...log, retryAt: now + intervalMs };
}
