import * as v from "valibot";
import {
  chatMessage,
  deleteMessage,
  directMessage,
  editMessage,
  fail,
  moderation,
  nick,
  type ParseResult,
  reactTo,
  tagged,
  topic,
} from "./client-checks";
import { ClientType, clientFrame, isClientId, ClientPayloadSchemas as PayloadSchemas } from "./client-frames";
import { readEnvelope } from "./envelope";
import { isFileName, MAX_FILE_NAME } from "./files";
import { ErrorCode } from "./frames";
import { MAX_MESSAGE_LENGTH, MAX_USERNAME_LENGTH } from "./limits";
import { parseLine } from "./line";

/**
 * Turns one untrusted text or binary frame into a typed client frame or a typed
 * error: the one way in for what a client sends. A text frame whose first
 * non-space character is `{` is a JSON envelope, its payload read by the
 * frame's schema (`client-frames.ts`); anything else is a line typed by a
 * person (see `parseLine`). Either way the parts are checked by the same rules
 * (`client-checks.ts`).
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
      if (!p.success)
        return refused(
          payload,
          "chatMessage needs payload.message as a string (and replyTo as an id, attachments as files)",
        );
      const { message, clientId, replyTo, attachments } = p.output;
      return chatMessage(message, maxLength, clientId, replyTo, attachments);
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
      // Files go in the room's messages only: a DM that names some is refused, not sent without them.
      if (typeof payload === "object" && payload !== null && "attachments" in payload) {
        const message = "a direct message carries no files: send them in a message to the room";
        return tagged({ code: ErrorCode.badAttachment, message }, p.output.clientId);
      }
      return directMessage(p.output.to, p.output.message, maxLength, p.output.clientId);
    }
    case ClientType.kick:
    case ClientType.unban:
    case ClientType.op:
    case ClientType.deop: {
      const p = v.safeParse(PayloadSchemas[type], payload);
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
    case ClientType.topic: {
      const p = v.safeParse(PayloadSchemas.topic, payload);
      if (!p.success) return fail(ErrorCode.badMessage, "topic needs payload.topic as a string");
      return topic(p.output.topic);
    }
    case ClientType.uploadSlot: {
      const p = v.safeParse(PayloadSchemas.uploadSlot, payload);
      if (!p.success) {
        const named = typeof payload === "object" && payload !== null && "name" in payload ? payload.name : undefined;
        const badName = typeof named === "string" && !isFileName(named.trim());
        return refused(
          payload,
          badName
            ? `a file name is 1-${MAX_FILE_NAME} characters, without control, invisible or text-turning characters or slashes`
            : "uploadSlot needs payload.name (a file name), payload.size in bytes and payload.clientId",
        );
      }
      const { name, size, clientId } = p.output;
      return { ok: true, frame: clientFrame(type, { name, size, clientId }) };
    }
    case ClientType.users: {
      const p = v.safeParse(PayloadSchemas.users, payload);
      if (!p.success)
        return fail(
          ErrorCode.badMessage,
          `users takes, if anything, payload.limit as a whole number from 1, payload.name and payload.after of at most ${MAX_USERNAME_LENGTH} characters`,
        );
      const { limit, name, after } = p.output;
      return {
        ok: true,
        frame: clientFrame(type, {
          ...(limit === undefined ? {} : { limit }),
          ...(name === undefined ? {} : { name }),
          ...(after === undefined ? {} : { after }),
        }),
      };
    }
    case ClientType.typing:
    case ClientType.bans:
    case ClientType.stats:
    case ClientType.help:
    case ClientType.ping:
    case ClientType.quit:
    case ClientType.own:
    case ClientType.list:
    case ClientType.unlist:
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
/**
 * The name a `nick` frame (or a `/nick` line) asks for, checked; null for any
 * other frame. The room asks the accounts whether that name is claimed before
 * it reads the frame, so it reads this much first.
 */
export function nickRequested(raw: string | ArrayBuffer, maxMessageLength = MAX_MESSAGE_LENGTH): string | null {
  if (typeof raw !== "string" || !raw.includes("nick")) return null;
  const parsed = parseClientFrame(raw, maxMessageLength);
  return parsed.ok && parsed.frame.type === ClientType.nick ? parsed.frame.payload.username : null;
}

/** v1.9: whether a frame (or a typed line) is `list`: the room asks the owner's account for a place before it reads it. */
export function listRequested(raw: string | ArrayBuffer, maxMessageLength = MAX_MESSAGE_LENGTH): boolean {
  if (typeof raw !== "string" || !raw.includes("list")) return false;
  const parsed = parseClientFrame(raw, maxMessageLength);
  return parsed.ok && parsed.frame.type === ClientType.list;
}

export function clientIdOf(raw: string | ArrayBuffer): string | undefined {
  if (typeof raw !== "string") return undefined;
  return CLIENT_ID_FIELD.exec(raw)?.[1];
}
