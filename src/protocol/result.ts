import { type ClientFrame, ClientType, clientFrame, ErrorCode } from "./frames";
import { MAX_MESSAGE_LENGTH } from "./limits";

/** A protocol error, as sent back in an `error` frame. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

/** What parsing one untrusted frame yields: a typed frame, or the error to send back. */
export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: ProtocolError };

export function fail(code: ErrorCode, message: string): ParseResult {
  return { ok: false, error: { code, message } };
}

/** Checks a message body: not blank, not too long. Shared by envelopes and typed lines. */
export function checkMessage(message: string, maxLength = MAX_MESSAGE_LENGTH): ProtocolError | undefined {
  if (message.trim().length === 0) return { code: ErrorCode.badMessage, message: "a message cannot be empty" };
  if (message.length > maxLength) {
    return { code: ErrorCode.tooLong, message: `a message is at most ${maxLength} characters` };
  }
  return undefined;
}

// Terminal escape sequences and other control characters are removed from what
// people send, so a message cannot rewrite someone else's screen. Newlines and
// tabs stay: multi-line messages are fine.
const UNPRINTABLE = /[^\P{Cc}\n\t]/gu;

/** Removes control characters (but newline and tab) and normalizes line endings. */
export function cleanMessage(message: string): string {
  return message.replace(/\r\n?/g, "\n").replace(UNPRINTABLE, "");
}

export function chatMessage(raw: string, maxLength = MAX_MESSAGE_LENGTH): ParseResult {
  const message = cleanMessage(raw);
  const error = checkMessage(message, maxLength);
  return error ? { ok: false, error } : { ok: true, frame: clientFrame(ClientType.chatMessage, { message }) };
}

export function directMessage(to: string, raw: string, maxLength = MAX_MESSAGE_LENGTH): ParseResult {
  const message = cleanMessage(raw);
  if (to.trim().length === 0) return fail(ErrorCode.badMessage, "a direct message needs a recipient");
  const error = checkMessage(message, maxLength);
  return error ? { ok: false, error } : { ok: true, frame: clientFrame(ClientType.dm, { to: to.trim(), message }) };
}

/** `kick`, `ban` and `unban` name one user. */
export function moderation(type: "kick" | "ban" | "unban", username: string): ParseResult {
  const target = username.trim();
  if (target.length === 0 || /\s/.test(target)) return fail(ErrorCode.badMessage, `usage: /${type} <user>`);
  return { ok: true, frame: clientFrame(type, { username: target }) };
}
