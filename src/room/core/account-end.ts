import { CloseCode, ErrorCode } from "../../protocol";
import { closeMember, type Effect, toMember } from "./effects";
import { errorFrame } from "./frames";
import { accountMember } from "./join";
import { leaving } from "./leave";
import { chain, type Outcome, unchanged } from "./outcome";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * One session of an account ended (that browser signed out, that terminal
 * logged out, that token revoked): the connections it opened close, told
 * why, and the account's other devices stay. The member leaves only when
 * none of its connections is left.
 */
export function sessionEnded(
  state: RoomState,
  ctx: RoomContext,
  accountId: string,
  conns: readonly string[],
  now: number,
): Outcome {
  const member = state.roster.get(accountMember(accountId));
  const ending = member ? member.conns.filter((conn) => conns.includes(conn)) : [];
  if (!member || ending.length === 0) return unchanged(state);
  const told = errorFrame({
    code: ErrorCode.signedOut,
    message: "this device was signed out; sign in again to come back",
  });
  const closes = ending.flatMap((to): Effect[] => [
    { kind: "send", to, frame: told },
    { kind: "close", to, code: CloseCode.signedOut, reason: "signed out" },
  ]);
  const rest: Member = { ...member, conns: member.conns.filter((conn) => !ending.includes(conn)) };
  if (rest.conns.length > 0) return { state, effects: [...closes, { kind: "update", member: rest }] };
  return chain(
    state,
    () => closes,
    (s) => leaving(s, ctx, rest, now, "signed_out"),
  );
}

/**
 * An account's sessions were ended everywhere (or the account deleted): its
 * member leaves now, every tab told why, so a session revoked anywhere opens
 * no room a moment longer. It may come back by signing in again.
 */
export function accountEnded(state: RoomState, ctx: RoomContext, accountId: string, now: number): Outcome {
  const member = state.roster.get(accountMember(accountId));
  if (!member) return unchanged(state);
  const told = errorFrame({
    code: ErrorCode.signedOut,
    message: "this account was signed out everywhere; sign in again to come back",
  });
  return chain(
    state,
    () => [...toMember(member, told), ...closeMember(member, CloseCode.signedOut, "signed out")],
    (s) => leaving(s, ctx, member, now, "signed_out"),
  );
}

/**
 * One of a conversation's two accounts was deleted: the conversation ends for
 * the other person too, told why, so nothing more is written to someone who
 * is gone, and whose name may soon be someone else's. The close is final
 * (4403): a new conversation with a new holder of the name is another room.
 */
export function conversationEnded(state: RoomState, ctx: RoomContext, now: number): Outcome {
  if (ctx.conversation === null) return unchanged(state);
  const told = errorFrame({
    code: ErrorCode.forbidden,
    message: "the other person deleted their account: this conversation has ended",
  });
  const members = [...state.roster.values()];
  return chain(
    state,
    ...members.map(
      (member) => (s: RoomState) =>
        chain(
          s,
          () => [...toMember(member, told), ...closeMember(member, CloseCode.forbidden, "conversation ended")],
          (t) => leaving(t, ctx, member, now, "conversation_ended"),
        ),
    ),
  );
}
