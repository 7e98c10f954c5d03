import { CloseCode, ErrorCode, type ServerFrame, ServerType, SystemEvent, serverFrame } from "../../protocol";
import { banSpan, youAreBanned } from "./ban-terms";
import { closeMember, type Effect } from "./effects";
import { settleDepartures } from "./leave";
import { looksAlike } from "./name-skeleton";
import { notice, systemFrame } from "./notices";
import { chain, keeping, type Outcome } from "./outcome";
import { isOwner } from "./ownership";
import { answer, reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/** Kick, ban and unban: the operator's tools. Each answers the operator, on the connection that asked. */

/** A system line for one person only (replies to moderation commands); not recorded. */
function privateNotice(state: RoomState, conn: string, username: string, text: string, now: number): Outcome {
  const id = state.lastId + 1;
  const frame = systemFrame(id, SystemEvent.info, username, text, now);
  return { state: { ...state, lastId: id }, effects: [{ kind: "send", to: conn, frame }] };
}

export function moderate(
  state: RoomState,
  ctx: RoomContext,
  operator: Member,
  conn: string,
  action: "kick" | "ban" | "unban",
  name: string,
  now: number,
  minutes?: number,
): Outcome {
  if (!operator.operator) {
    return reply(state, operator, conn, {
      code: ErrorCode.notOperator,
      message: `only the room's operator can ${action}`,
    });
  }
  const target = state.roster.byName(name);
  if (target?.session === operator.session) {
    return reply(state, operator, conn, { code: ErrorCode.badMessage, message: `you cannot ${action} yourself` });
  }
  // The owner, here or not: an operator the owner appointed must not lock the owner out.
  const owner = ctx.roles()?.owner.name;
  const isTheOwner = target ? isOwner(ctx, target) : owner !== undefined && looksAlike(owner, name);
  if (isTheOwner && action !== "unban") {
    return reply(state, operator, conn, {
      code: ErrorCode.notAllowed,
      message: `the room's owner cannot be ${action === "kick" ? "kicked" : "banned"}`,
    });
  }
  const log = (): Effect[] => [
    { kind: "log", entry: { event: action, username: target?.username ?? name, by: operator.username } },
  ];
  const until = minutes === undefined ? null : now + minutes * 60_000;
  const span = banSpan(minutes);
  /**
   * The target's notice and close; then they are gone, with no further leave
   * notice. `told` goes to the target alone between the two: what a client
   * keeps to explain the close, as it keeps a refused join's error.
   */
  const removal = (event: "kick" | "ban", verb: string, code: number, told?: ServerFrame) => (s: RoomState) =>
    chain(
      s,
      (t) =>
        notice(
          t,
          event,
          target?.username ?? name,
          `${target?.username ?? name} was ${verb} by ${operator.username}${event === SystemEvent.ban ? ` ${span}` : ""}`,
          now,
        ),
      () => (target && told ? target.conns.map((to): Effect => ({ kind: "send", to, frame: told })) : []),
      () => (target ? closeMember(target, code, verb) : []),
    );
  switch (action) {
    case "kick":
      if (!target) {
        return reply(state, operator, conn, { code: ErrorCode.noSuchUser, message: `nobody called ${name} is here` });
      }
      return keeping(
        operator,
        chain(
          state,
          removal(SystemEvent.kick, "kicked", CloseCode.kicked),
          (s) => settleDepartures(s, ctx, [target], now),
          log,
        ),
      );
    case "ban":
      if (!target) {
        return keeping(
          operator,
          chain(
            state,
            () => [{ kind: "ban", username: name, session: null, until, address: null }],
            (s) => privateNotice(s, conn, name, `${name} is banned from this room ${span}`, now),
            log,
          ),
        );
      }
      return keeping(
        operator,
        chain(
          state,
          () => [
            {
              kind: "ban",
              username: target.username,
              session: target.session,
              until,
              // A signed-in person's ban is their account's, on every device; an anonymous one's, their address's too.
              address: target.verified ? null : (target.address ?? null),
            },
          ],
          removal(
            SystemEvent.ban,
            "banned",
            CloseCode.banned,
            serverFrame(ServerType.error, { code: ErrorCode.banned, message: youAreBanned(span) }),
          ),
          (s) => settleDepartures(s, ctx, [target], now),
          log,
        ),
      );
    case "unban":
      if (!ctx.banOn(name, null)) {
        return reply(state, operator, conn, { code: ErrorCode.notBanned, message: `${name} is not banned here` });
      }
      return keeping(
        operator,
        chain(
          state,
          () => [{ kind: "unban", username: name }],
          (s) => privateNotice(s, conn, name, `${name} may join again`, now),
          log,
        ),
      );
  }
}

/** `/bans`: the room's bans in force, for the operator only. */
export function listBans(state: RoomState, ctx: RoomContext, asker: Member, conn: string): Outcome {
  if (!asker.operator) {
    return reply(state, asker, conn, {
      code: ErrorCode.notOperator,
      message: "only the room's operator can list bans",
    });
  }
  return answer(state, asker, conn, serverFrame(ServerType.bans, { bans: ctx.listBans() }));
}
