/**
 * What the directory keeps, and for how long. It is fed only by listed
 * rooms, so it cannot be filled with names, and it still bounds itself: a
 * room that stopped reporting (its object gone, say) leaves no entry forever.
 */

/** Entries at most; past it, the least active go (fewest people, oldest message). */
export const MAX_ENTRIES = 10_000;

/** An entry with nobody in its room and no report for this long is dropped. */
export const STALE_MS = 30 * 24 * 60 * 60 * 1000;

/** How often, at most, the directory sweeps stale entries out (lists skip them anyway). */
export const SWEEP_MS = 60 * 60 * 1000;

/** Whether an entry has aged out: its room empty, and silent towards the directory for `STALE_MS`. */
export function isStale(entry: { userCount: number; updatedAt: number }, now: number): boolean {
  return entry.userCount === 0 && now - entry.updatedAt >= STALE_MS;
}

/**
 * The first name after every name that starts with `prefix` (room names are
 * ASCII), so a prefix is a range of the primary key: `prefix <= room < end`.
 */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
