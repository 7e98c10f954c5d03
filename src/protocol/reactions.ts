import type { Reactions, ServerPayloads } from "./frames";

/**
 * Reactions with one `reaction` frame applied, as the room applied it: the
 * name added last under its emoji (a new emoji last of all), or one of its
 * occurrences taken out, and the emoji with it once nobody is left. A name
 * may be there twice (two people who had it in turn); either copy stands for
 * the same name, so the count is right whichever goes. Returns a new map.
 */
export function withReaction(reactions: Reactions, { emoji, username, on }: ServerPayloads["reaction"]): Reactions {
  const names = reactions[emoji] ?? [];
  const at = on ? -1 : names.lastIndexOf(username);
  const next = on ? [...names, username] : at < 0 ? names : [...names.slice(0, at), ...names.slice(at + 1)];
  const out: Reactions = {};
  for (const [key, who] of Object.entries(reactions)) {
    if (key !== emoji) out[key] = who;
    else if (next.length > 0) out[key] = next;
  }
  if (names.length === 0 && next.length > 0) out[emoji] = next;
  return out;
}
