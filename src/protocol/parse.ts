import * as v from "valibot";
import { readEnvelope } from "./envelope";
import { ClientType, clientFrame, ErrorCode } from "./frames";
import { MAX_MESSAGE_LENGTH } from "./limits";
import { parseLine } from "./line";
import { chatMessage, directMessage, fail, moderation, type ParseResult } from "./result";

// Loose objects: unknown fields (a spoofed `username`, say) are dropped, not refused,
// so older clients that send extra fields keep working.
const PayloadSchemas = {
  chatMessage: v.looseObject({ message: v.string() }),
  dm: v.looseObject({ to: v.string(), message: v.string() }),
  moderation: v.looseObject({ username: v.string() }),
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
      if (!p.success) return fail(ErrorCode.badMessage, "chatMessage needs payload.message as a string");
      return chatMessage(p.output.message, maxLength);
    }
    case ClientType.dm: {
      const p = v.safeParse(PayloadSchemas.dm, payload);
      if (!p.success) return fail(ErrorCode.badMessage, "dm needs payload.to and payload.message as strings");
      return directMessage(p.output.to, p.output.message, maxLength);
    }
    case ClientType.kick:
    case ClientType.ban:
    case ClientType.unban: {
      const p = v.safeParse(PayloadSchemas.moderation, payload);
      if (!p.success) return fail(ErrorCode.badMessage, `${type} needs payload.username as a string`);
      return moderation(type, p.output.username);
    }
    case ClientType.users:
    case ClientType.stats:
    case ClientType.help:
    case ClientType.ping:
    case ClientType.quit:
      return { ok: true, frame: clientFrame(type, {}) };
    default:
      return fail(ErrorCode.unknownType, `unknown frame type ${JSON.stringify(type.slice(0, 40))}`);
  }
}
