import { type ClientFrame, type ClientPayloads, ClientType, clientFrame } from "./client-frames";
import { isEmoji } from "./emoji";
import { ErrorCode } from "./frames";
import { MAX_ATTACHMENTS, MAX_BAN_MINUTES, MAX_MESSAGE_LENGTH, MAX_TOPIC_LENGTH } from "./limits";
import { checkUsername } from "./names";

/**
 * What a client frame must hold beyond its shape, checked alike for a JSON
 * envelope (`parse.ts`) and a typed line (`line.ts`): each function takes a
 * frame's parts, cleans and checks them against the room's limits, and
 * returns the frame or the error to send back, carrying the frame's
 * `clientId` when it had one.
 */

/** A protocol error, as sent back in an `error` frame. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** The refused frame's `clientId`, so the sender knows which send failed. */
  clientId?: string;
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

/** Adds `clientId` when there is one: to a payload, or to an error so the client knows which send failed. */
export function withClientId<T extends object>(value: T, clientId: string | undefined): T & { clientId?: string } {
  return clientId === undefined ? value : { ...value, clientId };
}

/** A refusal of a frame, naming its `clientId` when it had one. */
export function tagged(error: ProtocolError, clientId: string | undefined): ParseResult {
  return { ok: false, error: withClientId(error, clientId) };
}

/** v1.10: what a message's files are, as the sender named them. */
export type AttachmentRefs = NonNullable<ClientPayloads["chatMessage"]["attachments"]>;

export function chatMessage(
  raw: string,
  maxLength = MAX_MESSAGE_LENGTH,
  clientId?: string,
  replyTo?: number,
  attachments: AttachmentRefs = [],
): ParseResult {
  const message = cleanMessage(raw);
  // A file may go alone: its text is then empty, never blank with spaces.
  const error = attachments.length > 0 && message.trim().length === 0 ? undefined : checkMessage(message, maxLength);
  if (error) return tagged(error, clientId);
  if (replyTo !== undefined && !(Number.isSafeInteger(replyTo) && replyTo > 0)) {
    return tagged({ code: ErrorCode.badMessage, message: "replyTo is a message id" }, clientId);
  }
  const badFiles = checkAttachments(attachments);
  if (badFiles) return tagged(badFiles, clientId);
  const payload = withClientId(
    {
      message: message.trim().length === 0 ? "" : message,
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(attachments.length === 0 ? {} : { attachments }),
    },
    clientId,
  );
  return { ok: true, frame: clientFrame(ClientType.chatMessage, payload) };
}

/** At most `MAX_ATTACHMENTS` files, each named once (a thumbnail is a file too), sizes only with both sides. */
function checkAttachments(attachments: AttachmentRefs): ProtocolError | undefined {
  const bad = (message: string) => ({ code: ErrorCode.badAttachment, message });
  if (attachments.length > MAX_ATTACHMENTS) return bad(`a message carries at most ${MAX_ATTACHMENTS} files`);
  const ids = attachments.flatMap((a) => (a.thumb === undefined ? [a.id] : [a.id, a.thumb]));
  if (new Set(ids).size !== ids.length) return bad("each file goes into a message once");
  if (attachments.some((a) => (a.width === undefined) !== (a.height === undefined))) {
    return bad("an image's size needs both width and height");
  }
  return undefined;
}

export function directMessage(to: string, raw: string, maxLength = MAX_MESSAGE_LENGTH, clientId?: string): ParseResult {
  const message = cleanMessage(raw);
  if (to.trim().length === 0) {
    return tagged({ code: ErrorCode.badMessage, message: "a direct message needs a recipient" }, clientId);
  }
  const error = checkMessage(message, maxLength);
  if (error) return tagged(error, clientId);
  const payload = { to: to.trim(), message };
  return { ok: true, frame: clientFrame(ClientType.dm, withClientId(payload, clientId)) };
}

/** `/nick <name>`: the name follows the rules for usernames; whether it is free is the room's to say. */
export function nick(username: string): ParseResult {
  const wanted = username.trim();
  if (wanted.length === 0) return fail(ErrorCode.badMessage, "usage: /nick <name>");
  const check = checkUsername(wanted);
  if (!check.ok) return fail(ErrorCode.badUsername, check.reason);
  return { ok: true, frame: clientFrame(ClientType.nick, { username: check.username }) };
}

/**
 * `kick`, `ban` and `unban` name one user, by the rules names follow (so a ban
 * cannot hold a name nobody could have); a ban may last `minutes`.
 */
export function moderation(
  type: "kick" | "ban" | "unban" | "op" | "deop",
  username: string,
  minutes?: number,
): ParseResult {
  const usage = type === "ban" ? "usage: /ban <user> [minutes]" : `usage: /${type} <user>`;
  const target = username.trim();
  if (target.length === 0 || /\s/.test(target)) return fail(ErrorCode.badMessage, usage);
  const check = checkUsername(target);
  if (!check.ok) return fail(ErrorCode.badMessage, `${usage}: ${check.reason}`);
  if (type !== "ban") return { ok: true, frame: clientFrame(type, { username: check.username }) };
  if (minutes === undefined) return { ok: true, frame: clientFrame(type, { username: check.username }) };
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_BAN_MINUTES) {
    return fail(
      ErrorCode.badMessage,
      `a ban lasts 1-${MAX_BAN_MINUTES} whole minutes, or for good when none are given`,
    );
  }
  return { ok: true, frame: clientFrame(type, { username: check.username, minutes }) };
}

/** Message ids are positive integers. */
export function isMessageId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

export function editMessage(id: number, raw: string, maxLength = MAX_MESSAGE_LENGTH, clientId?: string): ParseResult {
  if (!isMessageId(id)) return tagged({ code: ErrorCode.badMessage, message: "usage: /edit <id> <text>" }, clientId);
  const message = cleanMessage(raw);
  // An edit may take the words away from a message that carries files: the room refuses it for one that does not.
  if (message.trim().length === 0) {
    return { ok: true, frame: clientFrame(ClientType.edit, withClientId({ id, message: "" }, clientId)) };
  }
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

/**
 * v1.9: a room's topic, as typed: one line, control characters removed,
 * trimmed, at most `MAX_TOPIC_LENGTH` long. Empty clears the topic.
 */
export function topic(raw: string): ParseResult {
  const text = cleanMessage(raw).replace(/\s+/g, " ").trim();
  if (text.length > MAX_TOPIC_LENGTH) {
    return fail(ErrorCode.tooLong, `a topic is at most ${MAX_TOPIC_LENGTH} characters`);
  }
  return { ok: true, frame: clientFrame(ClientType.topic, { topic: text }) };
}
