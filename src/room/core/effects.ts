import {
  type DmFrame,
  type ErrorPayload,
  type HistoryFrame,
  type ServerFrame,
  ServerType,
  serverFrame,
} from "../../protocol";
import type { Member } from "./roster";
import type { Unseen, UploadSlot } from "./state";

/**
 * What the room's rules ask the shell to do, grouped by kind: delivery to
 * connections, storage, membership, and log lines. Every effect is data; an
 * interpreter (the Durable Object, the simulator) performs each kind.
 */

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
  | {
      kind: "replay";
      to: string;
      session: string;
      since: number | undefined;
      reset: boolean;
      welcome?: ServerFrame;
      /** A conversation's blocker: what of the blocked person the replay leaves out (see `unseen`). */
      unseen?: Unseen;
    }
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
  /**
   * A conversation moved: the lists of the accounts `to` (both, or only the
   * writer's while it is blocked) are told who wrote (`from`), the id and time.
   */
  | { kind: "tellAccounts"; to: readonly string[]; from: string; id: number; ts: number }
  /** Remember a send's clientId for the dedup window. */
  | { kind: "remember"; session: string; clientId: string; id: number; ts: number }
  /** Keep a name and session out of the room (until a time, or for good); lift such a ban. */
  /** `address`: an anonymous person's client address, held for as long as the ban. */
  | { kind: "ban"; username: string; session: string | null; until: number | null; address: string | null }
  | { kind: "unban"; username: string }
  /** An owned room's roles: an account becomes the owner or an operator, or (null) loses its role. */
  | { kind: "role"; accountId: string; name: string; role: "owner" | "operator" | null }
  /** v1.9: the room's topic (null: none); the account that lists the room in the directory (null: unlisted). */
  | { kind: "topic"; topic: string | null }
  | { kind: "listing"; listedBy: string | null }
  /** v1.10: keep a granted upload slot, so the worker's upload can take its token. */
  | { kind: "uploadSlot"; slot: UploadSlot }
  /** v1.10: files went into a message; a deleted message's files go, from the room and from R2. */
  | { kind: "attachFiles"; messageId: number; ids: readonly string[] }
  | { kind: "deleteFiles"; messageId: number }
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

export function userCount(count: number): Effect {
  return { kind: "broadcast", frame: serverFrame(ServerType.userCount, { count }) };
}

/** A frame for every open connection of a member (one per tab). */
export function toMember(member: Member, frame: ServerFrame): Effect[] {
  return member.conns.map((to): Effect => ({ kind: "send", to, frame }));
}

/** Closes every open connection of a member. */
export function closeMember(member: Member, code: number, reason: string): Effect[] {
  return member.conns.map((to): Effect => ({ kind: "close", to, code, reason }));
}
