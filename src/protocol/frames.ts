import type { AnyFrameOf, FrameOf } from "./frame-shape";

/**
 * The wire protocol, version 1.7: every frame is JSON `{type, payload}`.
 * v1.1 added `clientId`, `ack`, `epoch`, `reset` and `away`; v1.2 added
 * message actions (reply, edit, delete, react), mentions and typing; v1.3 added
 * `presence`, a crowd's arrivals and departures; v1.4 added `collapsed`, a run
 * of notices told in short where history is read; v1.5 adds `moreJoined` and
 * `moreLeft`, the changes a crowd's `presence` counts without naming; v1.6 adds
 * the matchmaker's `recent`; v1.7 reads room names in lower case, says how long
 * a ban lasts, lets a run told in short hold operator hand-overs, adds `/nick`
 * (`nick`, `renamed`), and adds `reaction`, one reaction added or taken back,
 * where `messageUpdated` carried a message's whole reaction map; v1.8 adds
 * accounts: `verified` beside a name whose person is signed in to the account
 * of that name, `authorId` (a message's author as a person, never by name),
 * and the error `name_claimed`; v1.9 adds a room's topic (`topic`, the
 * `topic` notice, `welcome.topic`) and the directory's `list` and `unlist`. Each adds
 * only optional fields, new frames and new words, so a v1 client keeps working.
 * This file spells the server's frames; `client-frames.ts` defines the
 * client's, `match.ts` the matchmaker's. The room, the web app and the
 * terminal client all import them through `index.ts`.
 */

/** Why a system line was written. Clients style lines by this, never by their text. */
export const SystemEvent = {
  join: "join",
  leave: "leave",
  kick: "kick",
  ban: "ban",
  idle: "idle",
  operator: "operator",
  info: "info",
  /** In a private stranger room: the other person left, and the room is closed. */
  partnerLeft: "partner_left",
  /** Someone took another name (`/nick`): `username` is the new one, `from` the old. */
  nick: "nick",
  /** v1.9: `username` set the room's topic to `topic` (empty: cleared it). */
  topic: "topic",
} as const;
export type SystemEvent = (typeof SystemEvent)[keyof typeof SystemEvent];

export const ErrorCode = {
  badJson: "bad_json",
  unknownType: "unknown_type",
  badMessage: "bad_message",
  tooLong: "too_long",
  binaryUnsupported: "binary_unsupported",
  unknownCommand: "unknown_command",
  noSuchUser: "no_such_user",
  badUsername: "bad_username",
  badSession: "bad_session",
  usernameTaken: "username_taken",
  rateLimited: "rate_limited",
  tooLarge: "too_large",
  roomFull: "room_full",
  banned: "banned",
  notOperator: "not_operator",
  notBanned: "not_banned",
  forbidden: "forbidden",
  alreadyQueued: "already_queued",
  notQueued: "not_queued",
  unavailable: "unavailable",
  /** Editing someone else's message, or deleting it without being the operator. */
  notAllowed: "not_allowed",
  /** A session opened more tabs in one room than it may keep: the one quiet longest is closed. */
  tooManyTabs: "too_many_tabs",
  /** v1.8: the name (or a look-alike) belongs to an account, and this join is not signed in to it. */
  nameClaimed: "name_claimed",
  /** v1.8: the account this connection was signed in to ended its sessions (signed out everywhere, or deleted). */
  signedOut: "signed_out",
  /** v1.9: in a conversation, the sender blocked the other person: nothing is sent until they unblock. */
  blocked: "blocked",
  /**
   * v1.9: at the door of a conversation with someone new: this account started
   * `NEW_CONVERSATIONS_PER_HOUR` conversations within the hour (with `retryAfterMs`), then close 4403.
   */
  tooManyConversations: "too_many_conversations",
  /**
   * v1.10: a message named a file that is not the sender's to send here: not
   * uploaded by them to this room, not stored, gone, or sent in a message already.
   */
  badAttachment: "bad_attachment",
  /** v1.10: the room holds `MAX_ROOM_FILE_BYTES` of files: no upload until some are deleted. */
  storageFull: "storage_full",
  /** v1.10: this person has 20 files uploading or stored and not yet sent in this room. */
  tooManyFiles: "too_many_files",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Reactions to a message: emoji to the names of those who chose it, in the
 * order each emoji was first used. A reaction belongs to the person who made
 * it, so a name may be listed twice: someone who left, and someone who later
 * took the same name.
 */
export type Reactions = Record<string, string[]>;

export interface ChatMessagePayload {
  id: number;
  username: string;
  /** Empty once the message is deleted. */
  message: string;
  ts: number;
  /** The chat message this one answers. */
  replyTo?: number;
  /** People in the room named with `@name`, as the room spells their names. */
  mentions?: string[];
  /** Set once edited: when. */
  editedAt?: number;
  /** Set once deleted; the text is gone. */
  deleted?: true;
  reactions?: Reactions;
  /**
   * v1.8: who wrote it, as a person: `a…` for an account, `s…` for an
   * anonymous session (derived from it one way, so it reveals nothing that
   * resumes a connection). "Mine" is decided by this, never by name.
   */
  authorId?: string;
  /** v1.8: the author was signed in to the account of this name when they wrote it. */
  verified?: true;
  /** v1.10: the files it carries; gone once the message is deleted. */
  attachments?: FileRef[];
}

/**
 * v1.10: a file in a message, as the room stored it. `name`, `size` and `type`
 * are the room's word (the type read from the file's bytes), never the sender's.
 * In a room whose history is not public, `url` and `thumb` are signed and
 * good for an hour; every frame that carries them carries fresh ones.
 */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  type: string;
  url: string;
  /** An image's size in pixels, as its sender's browser measured it. */
  width?: number;
  height?: number;
  /** The address of a smaller copy (at most 480 px on its longest side) to show in the log. */
  thumb?: string;
}

export interface SystemPayload {
  id: number;
  text: string;
  ts: number;
  event: SystemEvent;
  username: string;
  /** With `nick`: the name the person had before. */
  from?: string;
  /**
   * Only in a replay or a page of history: this notice stands for that many
   * join (or leave, or operator) notices in a row, the newest of which was
   * `id`, `ts` and `username`; `text` names the first few, or for hand-overs
   * who runs the room now.
   */
  collapsed?: number;
  /** v1.8: with a join or leave notice, the person is signed in to the account of that name. */
  verified?: true;
  /** v1.9: with a `topic` notice, the room's topic from then on; empty when it was cleared. */
  topic?: string;
}

export interface UserSummary {
  username: string;
  operator: boolean;
  /** When this user joined, ms since the epoch. */
  since: number;
  /** Disconnected, and held for the reconnect grace: still counted, name still reserved. */
  away?: true;
  /** v1.8: signed in to the account of this name. */
  verified?: true;
}

export interface CommandHelp {
  usage: string;
  description: string;
}

/** Payload of each server-to-client frame, keyed by its `type`. */
export interface ServerPayloads {
  welcome: {
    username: string;
    session: string;
    room: string;
    operator: boolean;
    /** `rateLimit`: frames at once, and refilled per second; a client can pace itself instead of being refused. */
    limits: { maxMessageLength: number; maxHistory: number; rateLimit?: { burst: number; perSecond: number } };
    /** Names the room's stored history; a new one means the history was wiped and ids started over. */
    epoch: string;
    /** v1.8: your messages carry this `authorId`; the ones that do are yours to edit and delete. */
    authorId?: string;
    /** v1.8: you joined signed in to the account of your name. */
    verified?: true;
    /** v1.8: the name of the account that owns the room; absent while nobody does. */
    owner?: string;
    /** v1.9: the room's topic; absent while it has none. */
    topic?: string;
  };
  history: {
    /** Entries in id order: chat messages, notices, and this person's own DMs. */
    messages: ReplayFrame[];
    /** Entries between `since` (or the start) and the first one sent exist and were left out. */
    truncated: boolean;
    /** With `truncated` after a `since`: how many stored entries lie in the gap (DMs aside), so a client can say how many. */
    missed?: number;
    /** The `epoch` the client brought is not the room's: `since` was ignored, start the view afresh. */
    reset?: true;
  };
  /** The room's bans in force, oldest first; to the operator only. `until` null: for good. */
  bans: { bans: { username: string; at: number; until: number | null }[] };
  /**
   * A chat message changed: edited (`message`, `editedAt`) or deleted
   * (`deleted`, no `message`); in a resume, with its whole current state,
   * `reactions` included. Live reactions come as `reaction`.
   */
  messageUpdated: { id: number; message?: string; editedAt?: number; deleted?: true; reactions?: Reactions };
  /**
   * v1.7: `username` added (`on: true`) or took back (`on: false`) one
   * reaction to chat message `id`: the change alone, so it costs the same
   * however many reactions the message has. Taking back removes one `username`
   * from that emoji's list, and the emoji once its list is empty; adding
   * appends it, and a new emoji goes last.
   */
  reaction: { id: number; emoji: string; username: string; on: boolean };
  /** Someone is typing; show it for a few seconds, or until their message arrives. */
  typing: { username: string };
  /** To your own connections only: your `/nick` took; you are now `username`. */
  renamed: { username: string };
  /**
   * v1.9: someone here changed as the people list shows them, without
   * leaving: `username` signed in to their name's account in place
   * (`verified`), so their entry gets the mark.
   */
  userUpdated: { username: string; verified?: true };
  /** A chatMessage or dm that carried `clientId` was delivered (or had been, with `duplicate`). */
  ack: { clientId: string; id: number; ts: number; duplicate?: true };
  chatMessage: ChatMessagePayload;
  system: SystemPayload;
  userCount: { count: number };
  /**
   * In a crowd (a room of `CROWD_SIZE` people or more), who arrived and who
   * left since the last one, instead of a join or leave notice each: a people
   * list applies `left`, then `joined`. Not kept in the history. At most
   * `PRESENCE_NAMES_MAX` names per list; `moreJoined` and `moreLeft` count the
   * rest, whom a people list lacks (or still shows) until its next `users` reply.
   */
  presence: { joined: string[]; left: string[]; moreJoined?: number; moreLeft?: number };
  /** v1.8: `verified`: the sender is signed in to the account of that name. */
  dm: { id: number; from: string; to: string; message: string; ts: number; verified?: true };
  /**
   * `more`: how many are here beyond those listed, when the request's `limit`
   * left some out. v1.10: `total`, how many the request matched (everyone, or
   * those its `name` matched); in a page (`name` or `after` asked), `more`
   * counts the matching people not in it, and `next` is the `after` that asks
   * for the following page, present only when more follow.
   */
  users: { users: UserSummary[]; more?: number; total?: number; next?: string };
  stats: { username: string; room: string; messagesSent: number; connectedAt: number; userCount: number };
  help: { commands: CommandHelp[] };
  pong: Record<string, never>;
  /**
   * v1.10: the answer to `uploadSlot`: send the file's bytes with `PUT url` before
   * `expiresAt`. The token is good for one upload, by this person, into this room.
   */
  uploadSlot: { clientId: string; token: string; url: string; expiresAt: number };
  error: ErrorPayload;
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** The `clientId` of the frame that was refused, when it carried one. */
  clientId?: string;
  /** With `rate_limited`: how long until the next frame would be accepted; with `too_many_conversations` (v1.9), the next start. */
  retryAfterMs?: number;
}

export type ServerFrameType = keyof ServerPayloads;
/** The server frame of type `K`. */
export type ServerFrameOf<K extends ServerFrameType> = FrameOf<ServerPayloads, K>;
/** Any frame the server sends, discriminated by `type`. */
export type ServerFrame = AnyFrameOf<ServerPayloads>;

/** The frames a room keeps in its history and replays on join. */
export type HistoryFrame = ServerFrameOf<"chatMessage"> | ServerFrameOf<"system">;
export type DmFrame = ServerFrameOf<"dm">;
export type ChatMessageFrame = ServerFrameOf<"chatMessage">;
/** What a replay holds: the room's history and, for the person joining, their DMs. */
export type ReplayFrame = HistoryFrame | DmFrame;

export const ServerType = {
  welcome: "welcome",
  history: "history",
  chatMessage: "chatMessage",
  system: "system",
  userCount: "userCount",
  presence: "presence",
  dm: "dm",
  users: "users",
  stats: "stats",
  help: "help",
  pong: "pong",
  bans: "bans",
  messageUpdated: "messageUpdated",
  reaction: "reaction",
  typing: "typing",
  renamed: "renamed",
  userUpdated: "userUpdated",
  ack: "ack",
  uploadSlot: "uploadSlot",
  error: "error",
} as const satisfies { [K in ServerFrameType]: K };

/**
 * Builds the server frame of type `K`: exactly that frame, so a caller that
 * builds a `chatMessage` holds a `HistoryFrame` without narrowing.
 */
export function serverFrame<K extends ServerFrameType>(type: K, payload: ServerPayloads[K]): ServerFrameOf<K> {
  return { type, payload };
}

/** The commands a person can type, in the order `help` lists them. */
export const COMMANDS: readonly CommandHelp[] = [
  { usage: "/msg <user> <text>", description: "send a direct message only that user sees" },
  { usage: "/reply <id> <text>", description: "answer message <id>" },
  { usage: "/edit <id> <text>", description: "change a message of yours" },
  { usage: "/delete <id>", description: "take back a message of yours (the operator: anyone's)" },
  { usage: "/react <id> <emoji>", description: "add or remove your reaction to a message" },
  { usage: "/typing", description: "tell the room you are typing (clients send this for you)" },
  { usage: "/users", description: "list who is in the room (alias /who)" },
  { usage: "/nick <name>", description: "take another name in this room (the room sees the change)" },
  { usage: "/stats", description: "show your connection's statistics" },
  { usage: "/help", description: "show this list" },
  { usage: "/quit", description: "leave the room" },
  { usage: "/kick <user>", description: "operator: disconnect a user" },
  {
    usage: "/ban <user> [minutes]",
    description: "operator: disconnect a user and keep them out (for good, or a while)",
  },
  { usage: "/unban <user>", description: "operator: let a banned user back in" },
  { usage: "/bans", description: "operator: list this room's bans" },
  { usage: "/own", description: "signed in: take ownership of a room nobody owns" },
  { usage: "/op <user>", description: "owner: make a signed-in person an operator" },
  { usage: "/deop <user>", description: "owner: take the operator role back" },
  { usage: "/topic [text]", description: "owner or operator: set the room's topic (none: clear it)" },
  { usage: "/list", description: "owner: show this room in the directory of rooms" },
  { usage: "/unlist", description: "owner: take this room out of the directory" },
];
