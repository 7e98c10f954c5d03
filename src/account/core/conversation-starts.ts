/**
 * Starting conversations (v1.9), as a pure rule. An account *starts* a
 * conversation when it opens one with someone who is not on its list with a
 * message yet (neither of the two has written), and it has not started that
 * one already within the hour. Replying, and going back to a conversation
 * that has messages, are never counted, so only reaching out to new people
 * is bounded: what a spammer does with every name it finds.
 */

/** The window the count runs over. */
export const START_WINDOW_MS = 60 * 60 * 1000;

/** A conversation this account started, and when. */
export interface Start {
  peerId: string;
  at: number;
}

export type StartCheck =
  /** Let in; `record`: this is a new start, to be kept in the window. */
  | { ok: true; record: boolean }
  /** Refused: `max` started within the hour; the oldest of them leaves the window in `retryAfterMs`. */
  | { ok: false; max: number; retryAfterMs: number };

/**
 * Whether the conversation with `peerId` may be opened now. `known`: it is on
 * the account's list with a message in it. `starts`: those kept, any age.
 */
export function checkStart(
  starts: readonly Start[],
  peerId: string,
  known: boolean,
  max: number,
  now: number,
): StartCheck {
  if (known) return { ok: true, record: false };
  const recent = starts.filter((s) => s.at > now - START_WINDOW_MS);
  if (recent.some((s) => s.peerId === peerId)) return { ok: true, record: false };
  if (recent.length < max) return { ok: true, record: true };
  const oldest = Math.min(...recent.map((s) => s.at));
  return { ok: false, max, retryAfterMs: Math.max(1, oldest + START_WINDOW_MS - now) };
}
