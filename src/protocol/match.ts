import * as v from "valibot";
import { readEnvelope } from "./envelope";
import { ClientType, ErrorCode, type MatchClientFrame, type MatchServerFrame, MatchType } from "./frames";
import { MAX_TAG_LENGTH, MAX_TAGS } from "./limits";
import type { ProtocolError } from "./result";

/**
 * The heartbeat as a JSON frame, answered with the room's `pong` frame. The
 * plain text `ping` never reaches this parser: the runtime answers it.
 */
export interface MatchPing {
  type: typeof ClientType.ping;
  payload: Record<string, never>;
}

export type MatchParse = { ok: true; frame: MatchClientFrame | MatchPing } | { ok: false; error: ProtocolError };

const Tag = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.regex(/^[\p{L}\p{N}_-]{1,24}$/u, `a tag is 1-${MAX_TAG_LENGTH} letters, digits, _ or -`),
);
const Tags = v.pipe(v.optional(v.array(Tag), []), v.maxLength(MAX_TAGS, `at most ${MAX_TAGS} tags`));

const JoinQueue = v.looseObject({ tags: Tags, wants: Tags });

/** Parses one untrusted frame sent to the matchmaker. */
export function parseMatchFrame(raw: string | ArrayBuffer): MatchParse {
  const fail = (code: ErrorCode, message: string): MatchParse => ({ ok: false, error: { code, message } });
  if (typeof raw !== "string") return fail(ErrorCode.binaryUnsupported, "binary frames are not supported; send text");
  const envelope = readEnvelope(raw);
  if (!envelope.ok) return envelope;
  switch (envelope.type) {
    case MatchType.joinQueue: {
      const payload = v.safeParse(JoinQueue, envelope.payload);
      if (!payload.success) return fail(ErrorCode.badMessage, payload.issues[0]?.message ?? "bad joinQueue payload");
      const unique = (tags: string[]) => [...new Set(tags)];
      return {
        ok: true,
        frame: {
          type: MatchType.joinQueue,
          payload: { tags: unique(payload.output.tags), wants: unique(payload.output.wants) },
        },
      };
    }
    case MatchType.leaveQueue:
      return { ok: true, frame: { type: MatchType.leaveQueue, payload: {} } };
    case ClientType.ping:
      return { ok: true, frame: { type: ClientType.ping, payload: {} } };
    default:
      return fail(ErrorCode.unknownType, "the matchmaker understands joinQueue, leaveQueue and ping");
  }
}

const MatchServerFrameSchema = v.variant("type", [
  v.object({
    type: v.literal(MatchType.queueJoined),
    payload: v.object({ position: v.number(), waiting: v.number(), recent: v.optional(v.number()) }),
  }),
  v.object({
    type: v.literal(MatchType.matchFound),
    payload: v.object({ room: v.string(), token: v.string(), partner: v.string() }),
  }),
  v.object({ type: v.literal(MatchType.queueLeft), payload: v.object({}) }),
  v.object({
    type: v.literal("error"),
    payload: v.object({ code: v.string(), message: v.string() }),
  }),
]);

/** Reads one frame from the matchmaker, or null for anything this client does not know. */
export function parseMatchServerData(data: string): MatchServerFrame | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = v.safeParse(MatchServerFrameSchema, json);
  return parsed.success ? (parsed.output as MatchServerFrame) : null;
}
