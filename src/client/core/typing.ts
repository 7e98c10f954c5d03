import { nameKey, TYPING_INTERVAL_MS, TYPING_SHOWN_MS } from "../../protocol";

/**
 * Who is typing, as the room's `typing` notices say: each name shows for
 * 6 s after its last notice, or until that person's message arrives. Pure:
 * the view passes the clock in and redraws when `nextChange` comes.
 */
export class TypingNames {
  readonly #until = new Map<string, { name: string; until: number }>();

  seen(name: string, now: number): void {
    this.#until.set(nameKey(name), { name, until: now + TYPING_SHOWN_MS });
  }

  /** Their message arrived (or they left): they are not typing any more. */
  stopped(name: string): boolean {
    return this.#until.delete(nameKey(name));
  }

  clear(): void {
    this.#until.clear();
  }

  /** The names still typing at `now`, in the order they started. */
  names(now: number): string[] {
    for (const [key, entry] of this.#until) if (entry.until <= now) this.#until.delete(key);
    return [...this.#until.values()].map((e) => e.name);
  }

  /** When the next name runs out, or null when nobody is typing. */
  nextChange(): number | null {
    let soonest: number | null = null;
    for (const { until } of this.#until.values()) if (soonest === null || until < soonest) soonest = until;
    return soonest;
  }
}

/** "alice is typing…", "alice and bob are typing…", "several people are typing…". */
export function typingText(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return "";
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  return "several people are typing…";
}

/**
 * Paces this person's own `typing` notices: one when they start, then at most
 * one per interval while they keep typing, the server's own pace (it passes
 * on no more, so sending more would only be dropped).
 */
export class TypingPacer {
  #last = Number.NEGATIVE_INFINITY;

  /** A key was typed; true when a notice should go now. */
  typed(now: number): boolean {
    if (now - this.#last < PACE_MS) return false;
    this.#last = now;
    return true;
  }

  /** How long until a notice may go again. */
  wait(now: number): number {
    return Math.max(0, this.#last + PACE_MS - now);
  }
}

/**
 * A little over the server's interval: two notices sent exactly 2 s apart can
 * arrive closer than that, and the second would be dropped.
 */
const PACE_MS = TYPING_INTERVAL_MS + 150;
