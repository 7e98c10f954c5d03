import { ErrorCode, type ServerFrame } from "../../protocol";
import { type Effect, toMember } from "./effects";
import { accountIdOf } from "./ownership";
import type { Member } from "./roster";
import type { RoomContext } from "./state";

/**
 * A conversation between two signed-in people is a room with every room
 * guarantee (acks, `clientId`, resume, edits, reactions, typing) and these
 * differences: only its two accounts come in; nobody runs it; comings and
 * goings are not announced; and once either person blocks the other, nothing
 * more passes between them. The blocker is told why their sends are refused;
 * the blocked person is told nothing: their sends are acked and shown to
 * them as ever, and kept for them alone.
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

/** What a blocker who tries to write is told. */
export function youBlocked(): { code: typeof ErrorCode.blocked; message: string } {
  return { code: ErrorCode.blocked, message: "you blocked this person: unblock them to write here" };
}

/** A frame everyone in the room gets, unless a block stands: then only the sender's own tabs. */
export function toEveryone(ctx: RoomContext, sender: Member, frame: ServerFrame): Effect[] {
  return passage(ctx, sender) === "open" ? [{ kind: "broadcast", frame }] : toMember(sender, frame);
}
