import { nameKey } from "../../protocol";

const MAX_SUGGESTIONS = 6;

/** The `@word` being typed just before the caret, if any. */
export function mentionAt(text: string, caret: number): { start: number; prefix: string } | null {
  const match = /(?:^|[^\p{L}\p{N}_])@([^\s@]{0,32})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  const prefix = match[1] ?? "";
  return { start: caret - prefix.length - 1, prefix };
}

/** Names that start with what was typed (by the same loose comparison as names), at most a few. */
export function suggestions(names: readonly string[], prefix: string): string[] {
  const key = nameKey(prefix);
  return names.filter((n) => nameKey(n).startsWith(key)).slice(0, MAX_SUGGESTIONS);
}

/**
 * The name is typed out already (in any case) and nothing longer starts
 * with it: Enter has nothing left to complete and sends the message.
 */
export function typedInFull(options: readonly string[], prefix: string): boolean {
  return options.length === 1 && nameKey(options[0] ?? "") === nameKey(prefix);
}
