import * as v from "valibot";
import { isFileName } from "./files";
import type { AnyFrameOf, FrameOf } from "./frame-shape";
import { MAX_USERNAME_LENGTH, USERS_FILTER_MAX } from "./limits";

/** A client's id for one send: what makes a resend recognisable. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

const ClientId = v.optional(v.pipe(v.string(), v.regex(CLIENT_ID)));
/** A file's name as a person picked it: shown and offered as the download's name, never trusted for its type. */
const FileName = v.pipe(v.string(), v.trim(), v.check(isFileName));
const Named = v.object({ username: v.string() });
/** A stored file's id, as the upload's answer gave it: 128 bits in hex. */
export const FILE_ID = /^[0-9a-f]{32}$/;
const FileId = v.pipe(v.string(), v.regex(FILE_ID));
const Pixels = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_535));
/**
 * v1.10: one file a message carries: the id its upload was answered with. An
 * image may add its full size in pixels (so a reader's log keeps its place
 * while it loads) and `thumb`, the id of a smaller copy (at most 480 px on its
 * longest side) uploaded the same way.
 */
const AttachmentRef = v.object({
  id: FileId,
  thumb: v.optional(FileId),
  width: v.optional(Pixels),
  height: v.optional(Pixels),
});
const Empty = v.object({});

/**
 * The payload of each client-to-server frame, keyed by its `type`: the one
 * definition of what a client may send, from which the types below are
 * inferred. Unknown fields (a spoofed `username`, say) are dropped, not
 * refused, so older clients that send extra fields keep working. What a field
 * must hold beyond its shape (a message neither blank nor too long, one emoji,
 * a name by the rules) is checked in `client-checks.ts`, shared by envelopes
 * and typed lines.
 */
export const ClientPayloadSchemas = {
  /** `clientId`: the sender's own id for this send, so a resend is never delivered twice. */
  chatMessage: v.object({
    message: v.string(),
    clientId: ClientId,
    replyTo: v.optional(v.number()),
    /** v1.10: files this person uploaded to this room; with one, the text may be empty. */
    attachments: v.optional(v.array(AttachmentRef)),
  }),
  /** Message actions take a `clientId` too: a resent reaction must not toggle twice. */
  edit: v.object({ id: v.number(), message: v.string(), clientId: ClientId }),
  delete: v.object({ id: v.number(), clientId: ClientId }),
  react: v.object({ id: v.number(), emoji: v.string(), clientId: ClientId }),
  typing: Empty,
  dm: v.object({ to: v.string(), message: v.string(), clientId: ClientId }),
  /**
   * `limit`: only the longest-connected this many; without it, everyone.
   * v1.10: with `name` (those whose name contains it, case aside) or `after`
   * (a name: the page goes on from the next one), a page of the list in name
   * order, `limit` people long (`USERS_PAGE_DEFAULT`, at most `USERS_PAGE_MAX`).
   */
  users: v.object({
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    name: v.optional(v.pipe(v.string(), v.maxLength(USERS_FILTER_MAX))),
    after: v.optional(v.pipe(v.string(), v.maxLength(MAX_USERNAME_LENGTH))),
  }),
  stats: Empty,
  help: Empty,
  ping: Empty,
  quit: Empty,
  kick: Named,
  /** `minutes`: how long the ban lasts; absent, for good. */
  ban: v.object({ username: v.string(), minutes: v.optional(v.number()) }),
  unban: Named,
  /** The operator asks for the room's bans. */
  bans: Empty,
  /** Take another name in this room; every rule of joining applies. */
  nick: Named,
  /** v1.8: a signed-in person takes ownership of a room nobody owns. */
  own: Empty,
  /** v1.8: the owner makes a signed-in person an operator, or takes the role back. */
  op: Named,
  deop: Named,
  /** v1.9: the owner or an operator of an owned room sets its topic; an empty one clears it. */
  topic: v.object({ topic: v.string() }),
  /** v1.9: the owner puts the room in the directory (`GET /api/rooms`), or takes it out. */
  list: Empty,
  unlist: Empty,
  /**
   * v1.10: asks for a place to upload one file (`PUT /files/:room/:token`). `size` is
   * declared up front, so a file over the limit is refused before any byte is sent;
   * `type` is the client's guess and is not used (the server reads the bytes).
   * `clientId` is required: the answer, or the refusal, names it.
   */
  uploadSlot: v.object({
    name: FileName,
    size: v.pipe(v.number(), v.integer(), v.minValue(0)),
    type: v.optional(v.pipe(v.string(), v.maxLength(255))),
    clientId: v.pipe(v.string(), v.regex(CLIENT_ID)),
  }),
} as const;

/** Payload of each client-to-server frame, keyed by its `type`. */
export type ClientPayloads = {
  [K in keyof typeof ClientPayloadSchemas]: v.InferOutput<(typeof ClientPayloadSchemas)[K]>;
};
export type ClientFrameType = keyof ClientPayloads;
/** The client frame of type `K`. */
export type ClientFrameOf<K extends ClientFrameType> = FrameOf<ClientPayloads, K>;
/** Any frame a client sends, discriminated by `type`. */
export type ClientFrame = AnyFrameOf<ClientPayloads>;

export const ClientType = {
  chatMessage: "chatMessage",
  edit: "edit",
  delete: "delete",
  react: "react",
  typing: "typing",
  dm: "dm",
  users: "users",
  stats: "stats",
  help: "help",
  ping: "ping",
  quit: "quit",
  kick: "kick",
  ban: "ban",
  unban: "unban",
  bans: "bans",
  nick: "nick",
  own: "own",
  op: "op",
  deop: "deop",
  topic: "topic",
  list: "list",
  unlist: "unlist",
  uploadSlot: "uploadSlot",
} as const satisfies { [K in ClientFrameType]: K };

/** Builds the client frame of type `K`; the payload type follows from `type`. */
export function clientFrame<K extends ClientFrameType>(type: K, payload: ClientPayloads[K]): ClientFrameOf<K> {
  return { type, payload };
}
