import * as v from "valibot";
import { deleteMessage, editMessage, reactTo } from "./actions";
import { readEnvelope } from "./envelope";
import { ClientType, clientFrame, ErrorCode } from "./frames";
import { MAX_MESSAGE_LENGTH } from "./limits";
import { parseLine } from "./line";
import {
  CLIENT_ID,
  chatMessage,
  directMessage,
  fail,
  isClientId,
  moderation,
  nick,
  type ParseResult,
  tagged,
} from "./result";

// Loose objects: unknown fields (a spoofed `username`, say) are dropped, not refused,
// so older clients that send extra fields keep working.
const ClientId = v.optional(v.pipe(v.string(), v.regex(CLIENT_ID)));
const PayloadSchemas = {
  chatMessage: v.looseObject({ message: v.string(), clientId: ClientId, replyTo: v.optional(v.number()) }),
  edit: v.looseObject({ id: v.number(), message: v.string(), clientId: ClientId }),
  delete: v.looseObject({ id: v.number(), clientId: ClientId }),
  react: v.looseObject({ id: v.number(), emoji: v.string(), clientId: ClientId }),
  dm: v.looseObject({ to: v.string(), message: v.string(), clientId: ClientId }),
  moderation: v.looseObject({ username: v.string() }),
  ban: v.looseObject({ username: v.string(), minutes: v.optional(v.number()) }),
  nick: v.looseObject({ username: v.string() }),
  users: v.looseObject({ limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))) }),
} as const;

/**
 * Turns one untrusted text or binary frame into a typed client frame or a typed
 * error. A text frame whose first non-space character is `{` is a JSON envelope;
 * anything else is a line typed by a person (see `parseLine`).
 */
export function parseClientFrame(raw: string | ArrayBuffer, maxMessageLength = MAX_MESSAGE_LENGTH): ParseResult {
  if (typeof raw !== "string") {
    return fail(ErrorCode.binaryUnsupported, "binary frames are not supported; send text");
  }
  if (raw.trimStart().startsWith("{")) return parseEnvelope(raw, maxMessageLength);
  return parseLine(raw, maxMessageLength);
}

function parseEnvelope(raw: string, maxLength: number): ParseResult {
  const envelope = readEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { type, payload } = envelope;
  switch (type) {
    case ClientType.chatMessage: {
      const p = v.safeParse(PayloadSchemas.chatMessage, payload);
      if (!p.success) return refused(payload, "chatMessage needs payload.message as a string (and replyTo as an id)");
      return chatMessage(p.output.message, maxLength, p.output.clientId, p.output.replyTo);
    }
    case ClientType.edit: {
      const p = v.safeParse(PayloadSchemas.edit, payload);
      if (!p.success) return refused(payload, "edit needs payload.id as a message id and payload.message as a string");
      return editMessage(p.output.id, p.output.message, maxLength, p.output.clientId);
    }
    case ClientType.delete: {
      const p = v.safeParse(PayloadSchemas.delete, payload);
      if (!p.success) return refused(payload, "delete needs payload.id as a message id");
      return deleteMessage(p.output.id, p.output.clientId);
    }
    case ClientType.react: {
      const p = v.safeParse(PayloadSchemas.react, payload);
      if (!p.success) return refused(payload, "react needs payload.id as a message id and payload.emoji as one emoji");
      return reactTo(p.output.id, p.output.emoji, p.output.clientId);
    }
    case ClientType.dm: {
      const p = v.safeParse(PayloadSchemas.dm, payload);
      if (!p.success) return refused(payload, "dm needs payload.to and payload.message as strings");
      return directMessage(p.output.to, p.output.message, maxLength, p.output.clientId);
    }
    case ClientType.kick:
    case ClientType.unban: {
      const p = v.safeParse(PayloadSchemas.moderation, payload);
      if (!p.success) return fail(ErrorCode.badMessage, `${type} needs payload.username as a string`);
      return moderation(type, p.output.username);
    }
    case ClientType.ban: {
      const p = v.safeParse(PayloadSchemas.ban, payload);
      if (!p.success) {
        return fail(
          ErrorCode.badMessage,
          "ban needs payload.username as a string and, if given, payload.minutes as a number",
        );
      }
      return moderation(type, p.output.username, p.output.minutes);
    }
    case ClientType.nick: {
      const p = v.safeParse(PayloadSchemas.nick, payload);
      if (!p.success) return fail(ErrorCode.badMessage, "nick needs payload.username as a string");
      return nick(p.output.username);
    }
    case ClientType.users: {
      const p = v.safeParse(PayloadSchemas.users, payload);
      if (!p.success)
        return fail(ErrorCode.badMessage, "users takes, if anything, payload.limit as a whole number from 1");
      const { limit } = p.output;
      return { ok: true, frame: clientFrame(type, limit === undefined ? {} : { limit }) };
    }
    case ClientType.typing:
    case ClientType.bans:
    case ClientType.stats:
    case ClientType.help:
    case ClientType.ping:
    case ClientType.quit:
      return { ok: true, frame: clientFrame(type, {}) };
    default:
      return fail(ErrorCode.unknownType, `unknown frame type ${JSON.stringify(type.slice(0, 40))}`);
  }
}

/**
 * A malformed chatMessage or dm. Its `clientId` is echoed when it is a valid
 * one, so the sender can mark that send failed; a malformed `clientId` is
 * itself the error.
 */
function refused(payload: Record<string, unknown>, usage: string): ParseResult {
  const { clientId } = payload;
  if (clientId !== undefined && (typeof clientId !== "string" || !isClientId(clientId))) {
    return fail(ErrorCode.badMessage, "clientId must be 1-64 characters of A-Z a-z 0-9 _ -");
  }
  return tagged({ code: ErrorCode.badMessage, message: usage }, clientId);
}

const CLIENT_ID_FIELD = /"clientId"\s*:\s*"([A-Za-z0-9_-]{1,64})"/;

/**
 * The `clientId` a frame carries, if any: for answering a frame that was not
 * read (over the rate limit, too large). Found by pattern rather than by
 * parsing, so a frame refused for its size is not parsed after all.
 */
export function clientIdOf(raw: string | ArrayBuffer): string | undefined {
  if (typeof raw !== "string") return undefined;
  return CLIENT_ID_FIELD.exec(raw)?.[1];
}
