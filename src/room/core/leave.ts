import { CloseCode, SystemEvent } from "../../protocol";
import { type Effect, userCount } from "./effects";
import { notice } from "./notices";
import { chain, type Outcome, unchanged } from "./outcome";
import { type Member, rosterWithout } from "./roster";
import { isCrowd, type RoomContext, type RoomState } from "./state";

/**
 * Leaving and succession: a connection going away, the reconnect grace, a
 * member quitting, and what every departure settles (the count, the
 * operator's role, a private room's end). A member whose last connection
 * drops without saying goodbye stays (away) for the grace, so a reload, a
 * network change or a server restart is invisible to everyone else.
 */

/**
 * What members leaving settles: they are removed, the count is told, the
 * operator's role passes on if they ran the room (succession), and a private
 * room is closed (and forgotten once empty).
 * Several at once (everyone whose grace ended in one alarm) cost the room
 * one pass, not one per leaver.
 */
export function settleDepartures(
  state: RoomState,
  ctx: RoomContext,
  gone: readonly Member[],
  now: number,
  /** Members on their way out in the same event: never chosen to run the room. */
  departing: ReadonlySet<string> = new Set(),
): Outcome {
  const sessions = new Set(gone.map((m) => m.session));
  const roster = rosterWithout(state.roster, sessions);
  const rest: RoomState = { ...state, roster };
  const effects: Effect[] = gone.map((m) => ({ kind: "remove", session: m.session }));
  effects.push(userCount(roster.size));
  if (ctx.privacy) {
    effects.push({ kind: "closeRoom" });
    if (roster.size === 0) effects.push({ kind: "forget" });
    return { state: rest, effects };
  }
  // An owned room's role never passes by itself: the owner appoints operators.
  if (!gone.some((m) => m.operator) || ctx.roles() !== null) return { state: rest, effects };
  const staying = [...roster.values()].filter((m) => !departing.has(m.session));
  if (staying.length === 0 || staying.some((m) => m.operator)) return { state: rest, effects };
  // Someone still connected runs the room before someone who is away.
  const rank = (m: Member) => [m.conns.length === 0 ? 1 : 0, m.connectedAt] as const;
  const heir = staying.reduce((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return rb[0] < ra[0] || (rb[0] === ra[0] && rb[1] < ra[1]) ? b : a;
  });
  const promoted = { ...heir, operator: true };
  return chain(
    { ...state, roster: rosterWithout(state.roster, sessions, promoted) },
    () => [...effects, { kind: "update", member: promoted, durable: true }],
    // With nobody connected, the role passes from one away member to the next as their graces
    // end: a notice each time would tell nobody now and leave a run of them in the history. The
    // heir learns of it from `welcome` on coming back, and anyone else from `users`.
    (s) =>
      heir.conns.length > 0
        ? notice(s, SystemEvent.operator, heir.username, `${heir.username} now runs the room`, now)
        : [],
    () => [{ kind: "log", entry: { event: "operator", username: heir.username } }],
  );
}

/**
 * The notice for someone leaving: none in a conversation; in a private room, the partner is told the
 * conversation is over; in a crowd, the next `presence` frame names them.
 */
export function leaveNotice(state: RoomState, ctx: RoomContext, leaver: Member, now: number, why = ""): Outcome {
  // A conversation's two people come and go without a word: it is there whenever either writes.
  if (ctx.conversation !== null) return unchanged(state);
  if (isCrowd(ctx, state.roster.size)) return { state, effects: [{ kind: "presence", left: leaver.username }] };
  return ctx.privacy
    ? notice(state, SystemEvent.partnerLeft, leaver.username, `${leaver.username} left the conversation`, now)
    : notice(state, SystemEvent.leave, leaver.username, `${leaver.username} left${why}`, now, leaver.verified);
}

/** A member leaves now: the notice, then the bookkeeping. */
export function leaving(
  state: RoomState,
  ctx: RoomContext,
  leaver: Member,
  now: number,
  reason = "gone",
  departing?: ReadonlySet<string>,
): Outcome {
  return chain(
    state,
    (s) => leaveNotice(s, ctx, leaver, now),
    (s) => settleDepartures(s, ctx, [leaver], now, departing),
    () => [{ kind: "log", entry: { event: "leave", username: leaver.username, reason } }],
  );
}

/** The member with one connection fewer. */
function minusConn(member: Member, conn: string): Member {
  return { ...member, conns: member.conns.filter((c) => c !== conn) };
}

/**
 * A connection went away without the room closing it (closed by the peer,
 * errored, or found dead after waking). The member stays while another tab
 * is open; otherwise it is away for the grace, or leaves at once when there is none.
 */
export function disconnect(state: RoomState, ctx: RoomContext, conn: string, now: number): Outcome {
  const member = state.roster.byConn(conn);
  if (!member) return unchanged(state);
  const rest = minusConn(member, conn);
  if (rest.conns.length > 0) {
    return { state, effects: [{ kind: "update", member: rest }] };
  }
  if (ctx.config.reconnectGraceMs <= 0) return leaving(state, ctx, rest, now);
  const away: Member = { ...rest, awayUntil: now + ctx.config.reconnectGraceMs };
  return {
    state,
    effects: [
      { kind: "update", member: away, durable: true },
      { kind: "log", entry: { event: "away", username: member.username } },
    ],
  };
}

/**
 * `quit` from one connection. The member leaves at once when it was the last
 * one (no grace: they asked to go); other tabs stay.
 */
export function quit(state: RoomState, ctx: RoomContext, conn: string, now: number): Outcome {
  const member = state.roster.byConn(conn);
  const close: Effect = { kind: "close", to: conn, code: CloseCode.normal, reason: "bye" };
  if (!member) return { state, effects: [close] };
  const rest = minusConn(member, conn);
  if (rest.conns.length > 0) return { state, effects: [close, { kind: "update", member: rest }] };
  return chain(
    state,
    () => [close],
    (s) => leaving(s, ctx, rest, now, "quit"),
  );
}
