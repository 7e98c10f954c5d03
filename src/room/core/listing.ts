import { ErrorCode, SystemEvent } from "../../protocol";
import { notice } from "./notices";
import { chain, keeping, type Outcome } from "./outcome";
import { isOwner } from "./ownership";
import { reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * The directory (v1.9): a room is listed only while the account that listed
 * it owns it. Anonymous rooms, stranger rooms and rooms nobody owns are never
 * listed, so nobody can fill the directory with names.
 */
export function isListed(ctx: RoomContext): boolean {
  const roles = ctx.roles();
  const { listedBy } = ctx.settings();
  return ctx.privacy === null && roles !== null && listedBy !== null && roles.owner.accountId === listedBy;
}

/**
 * `/list` and `/unlist`: the owner puts the room in the directory or takes it
 * out, told to everyone here. A listing takes one of the owner's places
 * (`LISTINGS_PER_ACCOUNT`), which its account gave before this event.
 */
export function setListed(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  on: boolean,
  now: number,
): Outcome {
  const roles = ctx.roles();
  if (ctx.privacy !== null) {
    const message = "a private conversation is never listed";
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message });
  }
  if (roles === null || !isOwner(ctx, sender)) {
    const message =
      roles === null
        ? "only an owned room can be listed: a signed-in person can /own it"
        : "only the owner lists the room";
    return reply(state, sender, conn, { code: ErrorCode.notOperator, message });
  }
  if (isListed(ctx) === on) {
    const message = on ? "this room is listed already" : "this room is not listed";
    return reply(state, sender, conn, { code: ErrorCode.badMessage, message });
  }
  const slot = on ? ctx.listingSlot() : null;
  if (slot?.kind === "full") {
    const message = `you list ${slot.max} rooms already, the most one account may: /unlist one of them first`;
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message });
  }
  if (slot?.kind === "unknown") {
    const message = "the directory cannot take this room just now; try /list again";
    return reply(state, sender, conn, { code: ErrorCode.unavailable, message });
  }
  const text = on
    ? `${sender.username} listed this room in the directory`
    : `${sender.username} took this room out of the directory`;
  return keeping(
    sender,
    chain(
      state,
      () => [{ kind: "listing", listedBy: on ? roles.owner.accountId : null }],
      (s) => notice(s, SystemEvent.info, sender.username, text, now, sender.verified),
      () => [{ kind: "log", entry: { event: on ? "listed" : "unlisted", username: sender.username } }],
    ),
  );
}
