import * as v from "valibot";
import type { ProtocolError } from "./client-checks";
import { type ClientFrameOf, ClientType } from "./client-frames";
import { readEnvelope } from "./envelope";
import type { AnyFrameOf, FrameOf } from "./frame-shape";
import { ErrorCode, type ErrorPayload } from "./frames";
import { MAX_TAG_LENGTH, MAX_TAGS } from "./limits";

export const MatchType = {
  joinQueue: "joinQueue",
  leaveQueue: "leaveQueue",
  queueJoined: "queueJoined",
  matchFound: "matchFound",
  queueLeft: "queueLeft",
} as const;

const Tag = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.regex(/^[\p{L}\p{N}_-]{1,24}$/u, `a tag is 1-${MAX_TAG_LENGTH} letters, digits, _ or -`),
);
const Tags = v.pipe(v.optional(v.array(Tag), []), v.maxLength(MAX_TAGS, `at most ${MAX_TAGS} tags`));

/** Matchmaker (`/match`) frames, client to server: the one definition, from which their types are inferred. */
const MatchClientPayloadSchemas = {
  /** `tags`: up to 5 of one's own interests; `wants`: tags the partner should have one of (empty: anyone). */
  joinQueue: v.object({ tags: Tags, wants: Tags }),
  leaveQueue: v.object({}),
};

/** Matchmaker frames, server to client, but errors: the room's `error` frame, below. */
const MatchServerPayloadSchemas = {
  /**
   * `recent` (v1.6, only when not 0): how many of those waiting are people this
   * person was matched with in the last 10 minutes, whom they will not meet
   * again yet; so a line that never moves says why.
   */
  queueJoined: v.object({ position: v.number(), waiting: v.number(), recent: v.optional(v.number()) }),
  /** `room` is a private room that only `token` (and the partner's) can join. */
  matchFound: v.object({ room: v.string(), token: v.string(), partner: v.string() }),
  /** Answer to leaveQueue. */
  queueLeft: v.object({}),
};

type Inferred<S> = { [K in keyof S]: S[K] extends v.GenericSchema ? v.InferOutput<S[K]> : never };

export type MatchClientPayloads = Inferred<typeof MatchClientPayloadSchemas>;
export type MatchServerPayloads = Inferred<typeof MatchServerPayloadSchemas> & { error: ErrorPayload };
export type MatchServerFrame = AnyFrameOf<MatchServerPayloads>;
export type MatchClientFrame = AnyFrameOf<MatchClientPayloads>;

/** Builds the matchmaker's frame of type `K`. */
export function matchFrame<K extends keyof MatchServerPayloads>(
  type: K,
  payload: MatchServerPayloads[K],
): FrameOf<MatchServerPayloads, K> {
  return { type, payload };
}

/**
 * The heartbeat as a JSON frame, answered with the room's `pong` frame. The
 * plain text `ping` never reaches this parser: the runtime answers it.
 */
export type MatchPing = ClientFrameOf<typeof ClientType.ping>;

export type MatchParse = { ok: true; frame: MatchClientFrame | MatchPing } | { ok: false; error: ProtocolError };

/** Parses one untrusted frame sent to the matchmaker. */
export function parseMatchFrame(raw: string | ArrayBuffer): MatchParse {
  const fail = (code: ErrorCode, message: string): MatchParse => ({ ok: false, error: { code, message } });
  if (typeof raw !== "string") return fail(ErrorCode.binaryUnsupported, "binary frames are not supported; send text");
  const envelope = readEnvelope(raw);
  if (!envelope.ok) return envelope;
  switch (envelope.type) {
    case MatchType.joinQueue: {
      const payload = v.safeParse(MatchClientPayloadSchemas.joinQueue, envelope.payload);
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

/**
 * A frame as a client reads it from the matchmaker. An error's `code` is any
 * string here: a newer server may send a code this client does not know, and
 * its message is still worth showing.
 */
const MatchServerData = v.variant("type", [
  v.object({ type: v.literal(MatchType.queueJoined), payload: MatchServerPayloadSchemas.queueJoined }),
  v.object({ type: v.literal(MatchType.matchFound), payload: MatchServerPayloadSchemas.matchFound }),
  v.object({ type: v.literal(MatchType.queueLeft), payload: MatchServerPayloadSchemas.queueLeft }),
  v.object({ type: v.literal("error"), payload: v.object({ code: v.string(), message: v.string() }) }),
]);
export type MatchServerData = v.InferOutput<typeof MatchServerData>;

/** Reads one frame from the matchmaker, or null for anything this client does not know. */
export function parseMatchServerData(data: string): MatchServerData | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = v.safeParse(MatchServerData, json);
  return parsed.success ? parsed.output : null;
}
