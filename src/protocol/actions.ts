import { isEmoji } from "./emoji";
import { ClientType, clientFrame, ErrorCode } from "./frames";
import { MAX_MESSAGE_LENGTH } from "./limits";
import { checkMessage, cleanMessage, type ParseResult, tagged, withClientId } from "./result";

/**
 * Builders for the message actions of v1.2 (edit, delete, react), shared by
 * JSON envelopes and typed lines: each turns checked parts into a typed frame
 * or a typed error carrying the frame's `clientId`.
 */

/** Message ids are positive integers. */
export function isMessageId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

export function editMessage(id: number, raw: string, maxLength = MAX_MESSAGE_LENGTH, clientId?: string): ParseResult {
  if (!isMessageId(id)) return tagged({ code: ErrorCode.badMessage, message: "usage: /edit <id> <text>" }, clientId);
  const message = cleanMessage(raw);
  const error = checkMessage(message, maxLength);
  if (error) return tagged(error, clientId);
  return { ok: true, frame: clientFrame(ClientType.edit, withClientId({ id, message }, clientId)) };
}

export function deleteMessage(id: number, clientId?: string): ParseResult {
  if (!isMessageId(id)) return tagged({ code: ErrorCode.badMessage, message: "usage: /delete <id>" }, clientId);
  return { ok: true, frame: clientFrame(ClientType.delete, withClientId({ id }, clientId)) };
}

export function reactTo(id: number, emoji: string, clientId?: string): ParseResult {
  if (!isMessageId(id)) return tagged({ code: ErrorCode.badMessage, message: "usage: /react <id> <emoji>" }, clientId);
  const trimmed = emoji.trim();
  if (!isEmoji(trimmed)) {
    return tagged({ code: ErrorCode.badMessage, message: "a reaction is one emoji" }, clientId);
  }
  return { ok: true, frame: clientFrame(ClientType.react, withClientId({ id, emoji: trimmed }, clientId)) };
}
