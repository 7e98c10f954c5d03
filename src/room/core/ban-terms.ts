/**
 * How long a ban lasts, in words, as the room says it: to everyone when the
 * ban is made, to the person banned, and to them again if they come back
 * before it ends. Nobody should have to guess whether to wait or move on.
 */

const UNITS = [
  ["day", 24 * 60],
  ["hour", 60],
  ["minute", 1],
] as const;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** "for 10 minutes", "for 2 hours", "for good": a ban's whole length, in the largest unit it is a whole number of. */
export function banSpan(minutes: number | undefined): string {
  if (minutes === undefined) return "for good";
  const [unit, size] = UNITS.find(([, size]) => minutes % size === 0) ?? ["minute", 1];
  return `for ${count(minutes / size, unit)}`;
}

/**
 * What is left of a ban, rounded up so it is never shorter than the wait:
 * minutes under two hours, hours under two days, then days.
 */
export function banLeft(until: number | null, now: number): string {
  if (until === null) return "for good";
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  if (minutes < 2 * 60) return `for another ${count(minutes, "minute")}`;
  if (minutes < 2 * 24 * 60) return `for another ${count(Math.ceil(minutes / 60), "hour")}`;
  return `for another ${count(Math.ceil(minutes / (24 * 60)), "day")}`;
}

/** What a banned person is told, when banned (`span`) or when refused at the door (`banLeft`). */
export const youAreBanned = (span: string) => `you are banned from this room ${span}`;
