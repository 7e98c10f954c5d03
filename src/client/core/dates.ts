/**
 * A time of day as the reader's locale writes it, to the minute. Apart from
 * the DOM helpers, because the model uses it and the terminal client shares the model.
 */
export function localTime(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The full date and time, for a tooltip: "Wednesday, 25 November 2026 at 14:05:09". */
export function fullDate(ts: number): string {
  return new Date(ts).toLocaleString([], { dateStyle: "full", timeStyle: "medium" });
}

/** The local calendar day of `ts`, as a key: lines of one day share it. */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", or the date, for the separator above a day's first line. */
export function dayLabel(ts: number, now = Date.now()): string {
  if (dayKey(ts) === dayKey(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayKey(ts) === dayKey(yesterday.getTime())) return "Yesterday";
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return new Date(ts).toLocaleDateString([], {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  });
}
