import { CloseCode, ErrorCode, type ErrorPayload } from "../../protocol";

/** Close codes that end a visit, with what to tell the person on the start screen. */
const ENDINGS: Record<number, string> = {
  [CloseCode.normal]: "You left the room.",
  [CloseCode.kicked]: "You were removed from the room by its operator.",
  [CloseCode.banned]: "You are banned from this room.",
  [CloseCode.usernameTaken]: "That name is taken in this room; pick another.",
  [CloseCode.badRequest]: "That name cannot be used; pick another.",
  [CloseCode.forbidden]: "You may not join this room.",
  [CloseCode.tooManyTabs]:
    "This tab was closed: you have more tabs open in this room than it keeps. Close one, then come back here.",
};

/**
 * What the start screen says when a room closed for good, given the error that
 * came last before the close. A ban is told in the room's own words, which say
 * how long it lasts: its error comes just before the close, for a ban made
 * while here and for a join refused during one alike.
 */
export function endingText(code: number, reason: string, error: ErrorPayload | null, stranger: boolean): string {
  // A conversation refused for now says why and for how long, in its own words.
  if (error?.code === ErrorCode.tooManyConversations) return sentence(error.message);
  // A stranger room that will not have us back (its ticket and grace ran out) is a conversation that ended.
  if (stranger && code === CloseCode.forbidden) return "That conversation has ended.";
  if (code === CloseCode.banned && error?.code === ErrorCode.banned) return sentence(error.message);
  return ENDINGS[code] ?? (error?.message || reason || "Disconnected.");
}

/** The server's words as a sentence of their own. */
function sentence(words: string): string {
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}
