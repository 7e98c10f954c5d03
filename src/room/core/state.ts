import type { ChatMessagePayload, ServerPayloads } from "../../protocol";
import type { RoomConfig } from "../config";
import type { RosterView } from "./roster";

/**
 * What the room's pure rules read: the state they are given, and the
 * context they ask (limits, bans, privacy, stored messages, connection
 * clocks) through an interface, so nothing here touches storage or a socket.
 */

export interface RoomState {
  room: string;
  /** Highest message id handed out so far; ids only grow. */
  lastId: number;
  /** Members: those connected and those within the reconnect grace. */
  roster: RosterView;
}

/** A stored chat message and the session that wrote it (null for messages from before sessions were kept). */
export interface StoredMessage {
  payload: ChatMessagePayload;
  author: string | null;
}

/** A send remembered for deduplication: the id and time it was given. */
export interface SentRecord {
  id: number;
  ts: number;
}

/** What the room's rules need from outside besides state: limits, bans, privacy, history identity. */
export interface RoomContext {
  config: RoomConfig;
  /** The ban in force on this name (by look, whatever the case) or this session: when it ends (null: never). */
  banOn(username: string | null, session: string | null, address?: string | null): { until: number | null } | null;
  /** The bans in force, oldest first. */
  listBans(): ServerPayloads["bans"]["bans"];
  /** A private stranger room (two people, closed once one leaves), or null for a public room. */
  privacy: { closed: boolean } | null;
  /** The `epoch` of the stored history, as told in `welcome` (asked only for a join that is let in: it may be created). */
  epoch(): string;
  /** A chatMessage or dm this session already sent with this clientId, within the dedup window. */
  findSent(session: string, clientId: string): SentRecord | null;
  /** A chat message of this room as it stands, with its author's session; null when there is none. */
  findMessage(id: number): StoredMessage | null;
  /** What a reaction toggle needs to know, answered without reading the message's other reactions. */
  reactionOf(id: number, emoji: string, session: string): ReactionLookup;
  /** A connection's last sign of life: its last frame, or the runtime's last answer to its heartbeat. */
  lastActive(conn: string): number;
  /**
   * Whether a name belongs to an account (or looks like one that does):
   * `unknown` when the accounts could not be asked just now. Asked only for the
   * name a `/nick` asks for: the shell looked it up before the event.
   */
  claimed(name: string): ClaimCheck;
  /** An owned room's roles, by account; null while nobody owns the room. */
  roles(): RoomRoles | null;
  /** A conversation between two accounts (a room of its own); null for any other room. */
  conversation: Conversation | null;
  /** v1.9: the room's topic and its place in the directory, as stored. */
  settings(): RoomSettings;
  /**
   * v1.9: what the owner's account said when this `/list` asked it for a
   * place in the directory (each account lists a few rooms at most). Asked
   * only for an owner's `/list` of a room not listed: the shell asked before the event.
   */
  listingSlot(): ListingCheck;
  /** v1.10: a fresh unguessable token (128 bits, hex), for an upload slot. */
  newToken(): string;
  /** v1.10: a file this room stored, by id; null when it has none of that id. */
  file(id: string): RoomFile | null;
  /** v1.10: bytes the room's files take, with those its live upload slots may still bring. */
  fileBytes(now: number): number;
  /** v1.10: this person's files uploading now or stored and not yet sent. */
  filesPending(session: string, now: number): number;
  /** v1.10: the address a reader is given for one of the room's files. */
  fileUrl(id: string, now: number): string;
}

/** A place in the directory, as the owner's account answered: kept, full (it lists `max`), or not known just now. */
export type ListingCheck = { kind: "kept" } | { kind: "full"; max: number } | { kind: "unknown" };

/** A conversation's two accounts, their names, and which of them blocked the other. */
export interface Conversation {
  parties: readonly [string, string];
  /** Each party's name, once it came in (or was named by the other's door). */
  names: ReadonlyMap<string, string>;
  /**
   * Accounts that block the other party, each with the highest message id
   * when it did: from there on nothing of the other's reaches it.
   */
  blockers: ReadonlyMap<string, number>;
}

/**
 * What an owned room's people set about it. `listedBy`: the account that put
 * the room in the directory; the listing holds only while that account owns
 * the room, so a room that loses its owner (or changes hands) is unlisted
 * without a write.
 */
export interface RoomSettings {
  topic: string | null;
  listedBy: string | null;
}

/**
 * What a conversation's blocker must never be shown of the person they
 * blocked: that person's messages written since the block, or changed since
 * (an edit made after it is news too), and their reactions.
 */
export interface Unseen {
  /** The blocked person's author id and name, and their messages' author as the history stores it. */
  authorId: string;
  name: string;
  author: string;
  /** The highest message id when the block was made. */
  since: number;
}

export type ClaimCheck = "claimed" | "free" | "unknown";

/** Who owns a room and whom the owner made operators: accounts, by id, with the name each had. */
export interface RoomRoles {
  owner: { accountId: string; name: string };
  /** Account id to name. */
  operators: ReadonlyMap<string, string>;
}

/** One message's reactions as a toggle sees them. */
export interface ReactionLookup {
  /** The name this session reacted under with this emoji; null when it has not. */
  mine: string | null;
  /** Whether anyone reacted with this emoji. */
  present: boolean;
  /** How many different emoji the message has. */
  distinct: number;
}

/** Whether a room of `members` is a crowd, where arrivals and departures are told in `presence` frames. */
export function isCrowd(ctx: RoomContext, members: number): boolean {
  return ctx.privacy === null && members >= ctx.config.crowdSize;
}

/** v1.10: a file the room holds in R2: whose upload brought it, what its bytes are, and the message it went into. */
export interface RoomFile {
  id: string;
  session: string;
  name: string;
  size: number;
  /** As read from the file's first bytes. */
  type: string;
  messageId: number | null;
}

/** A granted slot as the room keeps it (see `store/uploads.ts`), v1.10: whose it is, what it may bring, until when, and how far it got. */
export interface UploadSlot {
  token: string;
  session: string;
  name: string;
  size: number;
  expiresAt: number;
  state: "open" | "taken" | "stored";
}
