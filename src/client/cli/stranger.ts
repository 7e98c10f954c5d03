/**
 * Stranger mode's rule for typed lines: each is for the person it was typed
 * to. With nobody matched yet it is refused on the spot, and lines still
 * waiting when a conversation ends are dropped, never held for whoever comes
 * next, who never saw what they answer.
 */

/** Said for a line typed while nobody is there to read it. */
export const NOBODY_YET = "nobody to send to yet: waiting for a stranger";

export function isQuit(line: string): boolean {
  return /^\/quit\s*$/i.test(line);
}

/** Commands this client answers itself, never sent to the server; `/next` only in stranger mode. */
export function isLocalCommand(line: string, stranger: boolean): boolean {
  return /^\/(retry|discard)\s*$/i.test(line) || (stranger && /^\/next\s*$/i.test(line));
}

/**
 * The lines still waiting when a conversation ends: the client's own
 * commands and `/quit` are kept (they are about the client, not the partner);
 * everything else was meant for the partner who is gone, and is dropped.
 */
export function afterConversation(waiting: readonly string[]): { kept: string[]; dropped: string[] } {
  const keep = (line: string) => isLocalCommand(line, true) || isQuit(line);
  return { kept: waiting.filter(keep), dropped: waiting.filter((line) => !keep(line)) };
}
