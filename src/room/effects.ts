import {
  type ChatMessagePayload,
  type DmFrame,
  type ErrorPayload,
  type HistoryFrame,
  type ServerFrame,
  type ServerPayloads,
  ServerType,
  serverFrame,
} from "../protocol";
import type { RoomConfig } from "./config";
import type { Member, RosterView } from "./roster";

/**
 * The vocabulary shared by the room's pure rules: the state they read, the
 * effects they return, and the small helpers that build both. Nothing here
 * touches a socket, storage or the clock.
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
  banOn(username: string | null, session: string | null): { until: number | null } | null;
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

/** One structured log line; the shell adds the room. Never carries message text. */
export type LogEntry = { event: string; username?: string } & Record<string, string | number | boolean | undefined>;

/** Frames on their way to connections, and connections ended. */
export type DeliveryEffect =
  /** Send a frame to one connection, after whatever was queued for it before. */
  | { kind: "send"; to: string; frame: ServerFrame }
  /**
   * Send the people list to one connection, after whatever was queued for it
   * before. It is built at the next flush, once for everyone who asked since
   * the last one: a crowd reconnecting at once asks thousands of times, and
   * each list costs the whole room.
   */
  | { kind: "users"; to: string; limit?: number }
  /** Send a frame to every connection (serialized once), but those in `except`. */
  | { kind: "broadcast"; frame: ServerFrame; except?: readonly string[] }
  /** In a crowd: someone arrived or left, told to everyone in the next `presence` frame, not recorded. */
  | { kind: "presence"; joined?: string; left?: string }
  /**
   * Send the history frame, read from storage, to one connection of `session`,
   * after `welcome` when given: one socket send for both (a join storm is a send per joiner).
   */
  | { kind: "replay"; to: string; session: string; since: number | undefined; reset: boolean; welcome?: ServerFrame }
  /** Close one connection; it leaves without a further notice. */
  | { kind: "close"; to: string; code: number; reason: string }
  /**
   * A join refused: the connection asking is told why and closed with `code`.
   * It was never a member; a refused join's outcome starts with this effect.
   */
  | { kind: "refuse"; to: string; error: ErrorPayload; code: number };

/** What outlives the event: history, DMs, sent ids, bans, the private room's state, the alarm. */
export type StorageEffect =
  /** Append to the room's durable history; a chat message with the session that wrote it. */
  | { kind: "record"; frame: HistoryFrame; author?: string }
  /** Replace a stored chat message with its current state (edited, deleted). */
  | { kind: "revise"; frame: HistoryFrame }
  /**
   * Add (`on`) or take back one person's reaction to a stored chat message,
   * by session: `username` is only what it is shown as.
   */
  | { kind: "react"; id: number; emoji: string; session: string; username: string; on: boolean; at: number }
  /** Store a DM for its two parties, so each gets it on resume. */
  | { kind: "recordDm"; frame: DmFrame; from: string; to: string }
  /** Remember a send's clientId for the dedup window. */
  | { kind: "remember"; session: string; clientId: string; id: number; ts: number }
  /** Keep a name and session out of the room (until a time, or for good); lift such a ban. */
  | { kind: "ban"; username: string; session: string | null; until: number | null }
  | { kind: "unban"; username: string }
  /** A private room: close it to new joins; forget everything once empty. */
  | { kind: "closeRoom" }
  | { kind: "forget" }
  /** When the room must next look at its members (ends of grace, idle tabs); null when nobody is left. */
  | { kind: "wake"; at: number | null };

/** Who is here: a member arrived, left, or changed. `durable` changes (name, role, away) are also stored. */
export type MembershipEffect =
  | { kind: "add"; member: Member }
  | { kind: "remove"; session: string }
  | { kind: "update"; member: Member; durable?: boolean };

export type LogEffect = { kind: "log"; entry: LogEntry };

/** Everything the room's rules ask the shell to do, by kind; an interpreter handles every one. */
export type Effect = DeliveryEffect | StorageEffect | MembershipEffect | LogEffect;

export function errorFrame(error: ErrorPayload): ServerFrame {
  return serverFrame(ServerType.error, error);
}

/** Whether a room of `members` is a crowd, where arrivals and departures are told in `presence` frames. */
export function isCrowd(ctx: RoomContext, members: number): boolean {
  return ctx.privacy === null && members >= ctx.config.crowdSize;
}

export function userCount(count: number): Effect {
  return { kind: "broadcast", frame: serverFrame(ServerType.userCount, { count }) };
}

/**
 * The `users` reply: everyone here, longest-connected first, those within
 * their grace marked away; with `limit`, only the first so many, and how many
 * more there are.
 */
export function usersFrame(roster: RosterView, limit?: number): ServerFrame {
  const everyone = [...roster.values()].sort((a, b) => a.connectedAt - b.connectedAt);
  const listed = limit === undefined ? everyone : everyone.slice(0, limit);
  const users = listed.map((m) => ({
    username: m.username,
    operator: m.operator,
    since: m.connectedAt,
    ...(m.awayUntil === undefined ? {} : { away: true as const }),
  }));
  const more = everyone.length - listed.length;
  return serverFrame(ServerType.users, more > 0 ? { users, more } : { users });
}

/** A frame for every open connection of a member (one per tab). */
export function toMember(member: Member, frame: ServerFrame): Effect[] {
  return member.conns.map((to) => ({ kind: "send", to, frame }) as const);
}

/** Closes every open connection of a member. */
export function closeMember(member: Member, code: number, reason: string): Effect[] {
  return member.conns.map((to) => ({ kind: "close", to, code, reason }) as const);
}
