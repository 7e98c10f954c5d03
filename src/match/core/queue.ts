import { checkUsername, MAX_USERNAME_LENGTH } from "../../protocol";
import { looksAlike } from "../../room/core/name-skeleton";

/**
 * The matchmaker's rules, pure: who may be matched with whom, and who is
 * first in line. The Durable Object keeps each waiting person in their
 * socket's attachment and calls these.
 */
export interface Waiting {
  /** Connection id. */
  id: string;
  username: string;
  session: string;
  tags: string[];
  wants: string[];
  /** When they joined the queue; the queue is first come, first served. */
  since: number;
}

/** Sessions to look up: a set, or a map from each session to when it is let go. */
export type Sessions = Pick<ReadonlySet<string>, "has" | "size">;

/** `wants` is satisfied when it is empty or the other person has at least one of its tags. */
export function satisfies(wants: readonly string[], tags: readonly string[]): boolean {
  return wants.length === 0 || wants.some((w) => tags.includes(w));
}

/** Two people may be matched when each one's wants are satisfied by the other's tags, and they are not the same person. */
export function compatible(a: Waiting, b: Waiting): boolean {
  return a.id !== b.id && a.session !== b.session && satisfies(a.wants, b.tags) && satisfies(b.wants, a.tags);
}

/**
 * When a newcomer joins the line: now, but always after everyone already in
 * it. The runtime's clock only moves between I/O, so two joins in a row often
 * read the same millisecond, and the order they came in would be lost.
 */
export function joinTime(queue: readonly Waiting[], now: number): number {
  return queue.reduce((latest, w) => Math.max(latest, w.since + 1), now);
}

/** First come, first served; the connection id keeps the order total. */
export function inLine(queue: readonly Waiting[]): Waiting[] {
  return [...queue].sort((a, b) => a.since - b.since || a.id.localeCompare(b.id));
}

/**
 * The longest-waiting compatible person for `newcomer`, if any, skipping the
 * sessions in `recent` (those the newcomer was matched with lately).
 */
export function findPartner(
  queue: readonly Waiting[],
  newcomer: Waiting,
  recent: Sessions = new Set(),
): Waiting | undefined {
  return inLine(queue).find((w) => compatible(w, newcomer) && !recent.has(w.session));
}

/** 1-based place in line, and how many are waiting. */
export function positionOf(queue: readonly Waiting[], id: string): { position: number; waiting: number } {
  return { position: inLine(queue).findIndex((w) => w.id === id) + 1, waiting: queue.length };
}

/**
 * Where someone stands, as they are told it: their place, how many wait, and
 * how many of those they were matched with lately and will not meet again yet.
 */
export interface Place {
  position: number;
  waiting: number;
  recent: number;
}

/** How many of the others in `queue` are among `partners`, the sessions `w` was matched with lately. */
export function recentAmong(queue: readonly Waiting[], w: Waiting, partners: Sessions): number {
  return partners.size === 0 ? 0 : queue.filter((o) => o.id !== w.id && partners.has(o.session)).length;
}

/** The `queueJoined` payload: `recent` only when there is something to say, so older clients see what they knew. */
export function placePayload({ position, waiting, recent }: Place): {
  position: number;
  waiting: number;
  recent?: number;
} {
  return recent > 0 ? { position, waiting, recent } : { position, waiting };
}

/**
 * Who must hear their place in line again: only those whose place, or count
 * of recent partners waiting, differs from what they were last told. Someone
 * joining at the back moves nobody, so a person toggling join and leave at
 * the back sends nobody anything, unless they are someone's recent partner.
 */
export function positionUpdates(
  queue: readonly Waiting[],
  told: (id: string) => { position: number; recent: number },
  recent: (w: Waiting) => number,
): ({ id: string } & Place)[] {
  return inLine(queue).flatMap((w, i) => {
    const place = { position: i + 1, waiting: queue.length, recent: recent(w) };
    const last = told(w.id);
    return last.position === place.position && last.recent === place.recent ? [] : [{ id: w.id, ...place }];
  });
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Names in a private room must differ by look, by the room's own rule: the
 * second of two look-alike names (`bob` and `b0b`, `alice` and a Cyrillic
 * `аlice`) gets a suffix, since the room would refuse it as taken and leave
 * the first waiting for someone who never comes. The name is shortened by
 * whole characters to make room for the suffix, so no emoji is cut in half.
 */
export function distinctNames(first: string, second: string): [string, string] {
  const characters = Array.from(graphemes.segment(second), (s) => s.segment);
  let candidate = second;
  for (let n = 2; looksAlike(first, candidate) || !checkUsername(candidate).ok; n++) {
    const suffix = `-${n}`;
    let base = characters.join("");
    for (let keep = characters.length; base.length + suffix.length > MAX_USERNAME_LENGTH; keep--) {
      base = characters.slice(0, keep - 1).join("");
    }
    candidate = `${base}${suffix}`;
  }
  return [first, candidate];
}
