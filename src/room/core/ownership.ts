import { ErrorCode, SystemEvent } from "../../protocol";
import type { Effect } from "./effects";
import { notice } from "./notices";
import { chain, keeping, type Outcome } from "./outcome";
import { reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * Owned rooms. A signed-in person may take a room nobody owns (`/own`); from
 * then on the owner runs it, appoints operators among signed-in people
 * (`/op`, `/deop`), and the role never passes to anyone by itself: not to
 * whoever came first, nor to whoever stayed longest. A room nobody owns
 * behaves as before.
 */

/** Operators an owner may appoint: a role list, not a member list, so it stays short. */
export const MAX_OPERATORS = 20;

/** The account a member is signed in to; null for an anonymous member. */
export function accountIdOf(member: Pick<Member, "session" | "verified">): string | null {
  return member.verified && member.session.startsWith("@") ? member.session.slice(1) : null;
}

/** Whether a member runs an owned room: its owner, or an operator the owner appointed. */
export function holdsRole(ctx: RoomContext, member: Pick<Member, "session" | "verified">): boolean {
  const roles = ctx.roles();
  const accountId = accountIdOf(member);
  if (roles === null || accountId === null) return false;
  return roles.owner.accountId === accountId || roles.operators.has(accountId);
}

/** Whether this member owns the room. */
export function isOwner(ctx: RoomContext, member: Member): boolean {
  const accountId = accountIdOf(member);
  return accountId !== null && ctx.roles()?.owner.accountId === accountId;
}

/**
 * `/own`: the sender's account takes the room. Only the person running it may
 * (the first one in, or whoever it passed to): a busy room is not anyone's
 * to take by walking in. Operators nobody appointed lose the role.
 */
export function own(state: RoomState, ctx: RoomContext, sender: Member, conn: string, now: number): Outcome {
  const accountId = accountIdOf(sender);
  if (accountId === null) {
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message: "sign in to own a room" });
  }
  if (ctx.privacy) {
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message: "a private conversation has no owner" });
  }
  const roles = ctx.roles();
  if (roles) {
    const message = `this room is owned by ${roles.owner.name} already`;
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message });
  }
  if (!sender.operator) {
    const message = "only the person running this room can take ownership of it";
    return reply(state, sender, conn, { code: ErrorCode.notOperator, message });
  }
  const owner: Member = { ...sender, operator: true };
  const demoted: Effect[] = [];
  for (const m of state.roster.values()) {
    if (m.operator && m.session !== sender.session) {
      demoted.push({ kind: "update", member: { ...m, operator: false }, durable: true });
    }
  }
  return keeping(
    owner,
    chain(
      state,
      () => [
        { kind: "role", accountId, name: sender.username, role: "owner" },
        { kind: "update", member: owner, durable: true },
        ...demoted,
      ],
      (s) =>
        notice(
          s,
          SystemEvent.operator,
          sender.username,
          `${sender.username} owns this room now, and appoints its operators`,
          now,
          true,
        ),
      () => [{ kind: "log", entry: { event: "owned", username: sender.username } }],
    ),
  );
}

/** `/op name` and `/deop name`: the owner gives a signed-in person the operator role, or takes it back. */
export function appoint(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  name: string,
  on: boolean,
  now: number,
): Outcome {
  const roles = ctx.roles();
  if (roles === null || !isOwner(ctx, sender)) {
    const message =
      roles === null ? "nobody owns this room: a signed-in person can /own it" : "only the owner appoints operators";
    return reply(state, sender, conn, { code: ErrorCode.notOperator, message });
  }
  const target = state.roster.byName(name);
  if (on) {
    const accountId = target ? accountIdOf(target) : null;
    if (!target || accountId === null) {
      const message = target
        ? `${target.username} is not signed in; operators are signed-in people`
        : `nobody called ${name} is here`;
      return reply(state, sender, conn, { code: target ? ErrorCode.notAllowed : ErrorCode.noSuchUser, message });
    }
    if (accountId === roles.owner.accountId || roles.operators.has(accountId)) {
      return reply(state, sender, conn, {
        code: ErrorCode.badMessage,
        message: `${target.username} is an operator already`,
      });
    }
    if (roles.operators.size >= MAX_OPERATORS) {
      const message = `a room has at most ${MAX_OPERATORS} operators; /deop one first`;
      return reply(state, sender, conn, { code: ErrorCode.notAllowed, message });
    }
    return roleChange(state, sender, target, accountId, target.username, "operator", now);
  }
  // Taking the role back works whether or not they are here: by the name they had when appointed.
  const appointed = [...roles.operators].find(([id, named]) =>
    target ? accountIdOf(target) === id : named.toLowerCase() === name.toLowerCase(),
  );
  if (!appointed) {
    return reply(state, sender, conn, { code: ErrorCode.badMessage, message: `${name} is not an operator here` });
  }
  const [accountId, named] = appointed;
  return roleChange(state, sender, target, accountId, named, null, now);
}

function roleChange(
  state: RoomState,
  owner: Member,
  target: Member | undefined,
  accountId: string,
  name: string,
  role: "operator" | null,
  now: number,
): Outcome {
  const changed: Effect[] = target
    ? [{ kind: "update", member: { ...target, operator: role !== null }, durable: true }]
    : [];
  const text = role ? `${name} is an operator now, appointed by ${owner.username}` : `${name} is no longer an operator`;
  return keeping(
    owner,
    chain(
      state,
      () => [{ kind: "role", accountId, name, role }, ...changed],
      (s) => notice(s, SystemEvent.operator, name, text, now, true),
      () => [{ kind: "log", entry: { event: role ? "op" : "deop", username: name, by: owner.username } }],
    ),
  );
}
