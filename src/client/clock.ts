/**
 * A time of day as the reader's locale writes it, to the minute. Apart from
 * the DOM helpers, because the model uses it and the terminal client shares the model.
 */
export function localTime(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
