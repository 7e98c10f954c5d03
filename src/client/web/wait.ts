/** A wait as whole seconds, at least 1: "0 s" would read as "now". */
export function wholeSeconds(ms = 1000): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
