import { CloseCode, SystemEvent } from "../../protocol";
import { closeMember, type Effect, toMember } from "./effects";
import { leaveNotice, settleDepartures } from "./leave";
import { systemFrame } from "./notices";
import type { Outcome } from "./outcome";
import type { Member, RosterView } from "./roster";
import type { RoomContext, RoomState } from "./state";

/** The alarm's work: ends of grace and idle connections, and when the room must next look. */

/** When the room next has something to do: an idle deadline or the end of a grace; null when empty. */
export function nextDeadline(
  roster: RosterView,
  lastActive: (conn: string) => number,
  idleTimeoutMs: number,
): number | null {
  let next: number | null = null;
  for (const m of roster.values()) {
    const deadline = m.awayUntil ?? idleDeadline(m, lastActive, idleTimeoutMs);
    if (next === null || deadline < next) next = deadline;
  }
  return next;
}

/** The earliest time one of a member's connections falls idle. */
export function idleDeadline(member: Member, lastActive: (conn: string) => number, idleTimeoutMs: number): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const conn of member.conns) earliest = Math.min(earliest, lastActive(conn) + idleTimeoutMs);
  return Number.isFinite(earliest) ? earliest : member.lastSeen + idleTimeoutMs;
}

/**
 * The alarm: members whose grace has ended leave, and connections that have
 * sent nothing, heartbeats included, for the idle timeout are evicted, each
 * on its own clock (`ctx.lastActive`: the later of its last frame and the
 * runtime's last heartbeat answer). A member whose every connection is idle
 * leaves the room; one with a tab still alive only loses the silent ones.
 */
export function expire(state: RoomState, ctx: RoomContext, now: number): Outcome {
  const idleMs = ctx.config.idleTimeoutMs;
  const quiet = (conn: string) => now - ctx.lastActive(conn) >= idleMs;
  const members = [...state.roster.values()];
  const gone = members.filter((m) => m.awayUntil !== undefined && m.awayUntil <= now);
  const idle: Member[] = [];
  const thinned: { member: Member; closed: string[] }[] = [];
  for (const m of members) {
    if (m.awayUntil !== undefined) continue;
    const closed = m.conns.filter(quiet);
    if (closed.length === 0) continue;
    if (closed.length === m.conns.length) idle.push(m);
    else thinned.push({ member: m, closed });
  }
  const leavers = [...gone, ...idle];
  if (leavers.length === 0 && thinned.length === 0) {
    return { state, effects: [{ kind: "wake", at: nextDeadline(state.roster, ctx.lastActive, idleMs) }] };
  }
  // Each is told (or named in the crowd's presence) in turn; the count and any new operator come once, for all.
  let current = state;
  const effects: Effect[] = [];
  const add = (step: Outcome) => {
    current = step.state;
    effects.push(...step.effects);
  };
  const idleNotice = (member: Member) => {
    const id = current.lastId + 1;
    current = { ...current, lastId: id };
    return systemFrame(id, SystemEvent.idle, member.username, "disconnected due to inactivity", now);
  };
  for (const { member, closed } of thinned) {
    const frame = idleNotice(member);
    for (const to of closed) {
      effects.push({ kind: "send", to, frame }, { kind: "close", to, code: CloseCode.idle, reason: "idle" });
    }
    effects.push(
      { kind: "update", member: { ...member, conns: member.conns.filter((c) => !closed.includes(c)) } },
      { kind: "log", entry: { event: "idle_tab", username: member.username, count: closed.length } },
    );
  }
  for (const member of gone) {
    add(leaveNotice(current, ctx, member, now));
    effects.push({ kind: "log", entry: { event: "leave", username: member.username, reason: "grace_ended" } });
  }
  for (const member of idle) {
    const frame = idleNotice(member);
    effects.push(...toMember(member, frame), ...closeMember(member, CloseCode.idle, "idle"));
    add(leaveNotice(current, ctx, member, now, " (inactive)"));
    effects.push({ kind: "log", entry: { event: "idle", username: member.username } });
  }
  if (leavers.length > 0) {
    // Everyone leaving in this alarm is passed over when the room needs a new operator.
    const departing = new Set(leavers.map((m) => m.session));
    add(settleDepartures(current, ctx, leavers, now, departing));
  }
  // Tabs closed here no longer count toward their member's next deadline.
  const closedNow = new Set(thinned.flatMap((t) => t.closed));
  const stillOpen = (conn: string) => (closedNow.has(conn) ? Number.POSITIVE_INFINITY : ctx.lastActive(conn));
  effects.push({ kind: "wake", at: nextDeadline(current.roster, stillOpen, idleMs) });
  return { state: current, effects };
}
