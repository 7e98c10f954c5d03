import { ErrorCode, type Reactions, type ReplayFrame, type ServerFrame, ServerType } from "../../protocol";
import type { Effect } from "./effects";
import { accountIdOf } from "./ownership";
import type { Member } from "./roster";
import type { RoomContext, RoomState, Unseen } from "./state";

/**
 * A conversation between two signed-in people is a room with every room
 * guarantee (acks, `clientId`, resume, edits, reactions, typing) and these
 * differences: only its two accounts come in; nobody runs it; comings and
 * goings are not announced; and once either person blocks the other, nothing
 * more of the other reaches them. The blocker is told why their own sends
 * are refused. The blocked person is told nothing, and nothing changes for
 * them: their messages, edits and reactions are stored, acked and shown to
 * them as ever, and are only withheld from the blocker, live and in every
 * replay and page (`unseen`).
 */

/** Whether `accountId` may come into this room: any account for a room, only its two for a conversation. */
export function mayEnter(ctx: RoomContext, accountId: string | undefined): boolean {
  return ctx.conversation === null || (accountId !== undefined && ctx.conversation.parties.includes(accountId));
}

/** How a block stands for what `sender` sends: `open`, or they blocked (`blocker`), or were blocked (`blocked`). */
export type Passage = "open" | "blocker" | "blocked";

export function passage(ctx: RoomContext, sender: Member): Passage {
  const blockers = ctx.conversation?.blockers;
  if (blockers === undefined || blockers.size === 0) return "open";
  const id = accountIdOf(sender);
  return id !== null && blockers.has(id) ? "blocker" : "blocked";
}

/** What a blocker who tries to write, edit or react is told. */
export function youBlocked(): { code: typeof ErrorCode.blocked; message: string } {
  return { code: ErrorCode.blocked, message: "you blocked this person: unblock them to write here" };
}

/** The connections of whoever blocked `sender`: what `sender` does never reaches them. */
export function blockersOf(state: RoomState, ctx: RoomContext, sender: Member): string[] {
  if (passage(ctx, sender) !== "blocked") return [];
  return [...(ctx.conversation?.blockers.keys() ?? [])].flatMap((id) => state.roster.get(`@${id}`)?.conns ?? []);
}

/** A frame from `sender` for everyone in the room, but a person who blocked them. */
export function toEveryone(state: RoomState, ctx: RoomContext, sender: Member, frame: ServerFrame): Effect[] {
  const except = blockersOf(state, ctx, sender);
  return except.length === 0 ? [{ kind: "broadcast", frame }] : [{ kind: "broadcast", frame, except }];
}

/** The accounts a message in a conversation moves the lists of: both, or only its sender's while it is blocked. */
export function listsToTell(ctx: RoomContext, sender: Member): readonly string[] {
  const id = accountIdOf(sender);
  if (ctx.conversation === null || id === null) return [];
  return passage(ctx, sender) === "blocked" ? [id] : ctx.conversation.parties;
}

export function unseenBy(ctx: RoomContext, member: Pick<Member, "session" | "verified">): Unseen | null {
  const conversation = ctx.conversation;
  const me = accountIdOf(member);
  const since = me === null ? undefined : conversation?.blockers.get(me);
  const other = conversation?.parties.find((id) => id !== me);
  if (since === undefined || other === undefined || conversation === undefined || conversation === null) return null;
  return { authorId: `a${other}`, name: conversation.names.get(other) ?? "", author: `@${other}`, since };
}

/**
 * Frames as a blocker may see them: the blocked person's messages since the
 * block (or changed since: `changedAfter` says when a message last changed)
 * left out, updates about them left out, and that person's name taken out of
 * every reaction.
 */
export function unseen(
  frames: readonly ServerFrame[],
  hidden: Unseen,
  /** A stored message's author id, and the highest id handed out when it last changed (null: never). */
  lookup: (id: number) => { authorId?: string; changedAt: number | null } | null,
): ServerFrame[] {
  const withheld = (id: number, authorId?: string): boolean => {
    // A frame that names its author is decided without storage unless it is the blocked person's.
    if (authorId !== undefined && authorId !== hidden.authorId) return false;
    if (authorId !== undefined && id > hidden.since) return true;
    const stored = lookup(id);
    return stored?.authorId === hidden.authorId && (id > hidden.since || (stored.changedAt ?? 0) > hidden.since);
  };
  const strip = <T extends { reactions?: Reactions }>(payload: T): T => {
    if (!payload.reactions) return payload;
    const kept = Object.entries(payload.reactions).flatMap(([emoji, names]) => {
      const others = names.filter((n) => n !== hidden.name);
      return others.length > 0 ? [[emoji, others] as const] : [];
    });
    return { ...payload, reactions: Object.fromEntries(kept) };
  };
  return frames.flatMap((frame): ServerFrame[] => {
    switch (frame.type) {
      case ServerType.history: {
        const messages = frame.payload.messages.flatMap((m): ReplayFrame[] => {
          if (m.type !== ServerType.chatMessage) return [m];
          return withheld(m.payload.id, m.payload.authorId) ? [] : [{ type: m.type, payload: strip(m.payload) }];
        });
        return [{ ...frame, payload: { ...frame.payload, messages } }];
      }
      case ServerType.chatMessage:
        return withheld(frame.payload.id, frame.payload.authorId) ? [] : [{ ...frame, payload: strip(frame.payload) }];
      case ServerType.messageUpdated:
        return withheld(frame.payload.id) ? [] : [{ ...frame, payload: strip(frame.payload) }];
      case ServerType.reaction:
        return frame.payload.username === hidden.name ? [] : [frame];
      default:
        return [frame];
    }
  });
}
