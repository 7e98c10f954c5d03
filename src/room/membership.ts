import {
  anonymousName,
  CloseCode,
  checkUsername,
  ErrorCode,
  type ErrorPayload,
  type HistoryFrame,
  isSessionId,
  MAX_HISTORY,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../protocol";
import { banLeft, youAreBanned } from "./ban-terms";
import {
  closeMember,
  type Effect,
  errorFrame,
  isCrowd,
  type RoomContext,
  type RoomState,
  toMember,
  userCount,
} from "./effects";
import { notice, systemFrame } from "./notices";
import { chain, keeping, type Outcome, unchanged } from "./outcome";
import { fullBucket } from "./rate-limit";
import { reply } from "./replies";
import { type Member, type RosterView, rosterWithout } from "./roster";

/**
 * Who is in the room: joining, a connection going away, the reconnect grace,
 * idle eviction, and the operator's succession. A member is a session; its
 * tabs are connections. A member whose last connection drops without saying
 * goodbye stays (away) for the grace, so a reload, a network change or a
 * server restart is invisible to everyone else.
 */

/** Two people per private room. */
const PRIVATE_ROOM_SIZE = 2;

export interface JoinRequest {
  /** Id for the new connection, chosen by the shell. */
  conn: string;
  username: string | null;
  session: string | null;
  /** A fresh session id, used when the client brought none. */
  newSession: string;
  since: number | undefined;
  /** The history epoch the client resumes from, if it brought one. */
  epoch: string | undefined;
  /** Only someone already a member may come in (a private room's ticket has expired). */
  membersOnly?: boolean;
}

/**
 * `Anon_HHmmss`, then `Anon_HHmmss-2`, `-3`, ...: the first free one after
 * the highest already given out this second, so a second's worth of
 * anonymous joiners is not quadratic. A suffix freed by someone leaving is
 * not handed out again while the base is in use, which nobody misses.
 */
function freeAnonymousName(roster: RosterView, now: number): string {
  const base = anonymousName(now);
  const named = (n: number) => (n <= 1 ? base : `${base}-${n}`);
  let n = roster.anonymousTop(base) + 1;
  // Someone may have typed a look-alike of the next name: those are passed over.
  while (roster.byName(named(n))) n++;
  return named(n);
}

/** A join refused: the connection is told why and closed; nothing else changes. */
function refuse(
  state: RoomState,
  request: JoinRequest,
  code: ErrorPayload["code"],
  message: string,
  closeCode: number,
  username?: string,
): Outcome {
  return {
    state,
    effects: [
      { kind: "refuse", to: request.conn, error: { code, message }, code: closeCode },
      { kind: "log", entry: { event: "join_refused", code, username } },
    ],
  };
}

/** What every new connection is sent first: welcome, then the replay it asked for. */
function greeting(state: RoomState, ctx: RoomContext, member: Member, request: JoinRequest): Effect[] {
  const epoch = ctx.epoch();
  const reset = request.epoch !== undefined && request.epoch !== epoch;
  return [
    {
      kind: "replay",
      to: request.conn,
      session: member.session,
      since: reset ? undefined : request.since,
      reset,
      welcome: serverFrame(ServerType.welcome, {
        username: member.username,
        session: member.session,
        room: state.room,
        operator: member.operator,
        limits: {
          maxMessageLength: ctx.config.maxMessageLength,
          maxHistory: MAX_HISTORY,
          rateLimit: { burst: ctx.config.rateLimitBurst, perSecond: ctx.config.rateLimitPerSecond },
        },
        epoch,
      }),
    },
  ];
}

/**
 * Decides whether a connection may join and under which name. The server is
 * authoritative: a blank name becomes `Anon_HHmmss`, a taken name is refused.
 * A session that is already a member (another tab, or back within the grace)
 * joins as that member, under its name and role, and nobody else is told.
 */
export function join(state: RoomState, ctx: RoomContext, request: JoinRequest, now: number): Outcome {
  if (request.session !== null && !isSessionId(request.session)) {
    return refuse(
      state,
      request,
      ErrorCode.badSession,
      "session must be 8-64 characters of A-Z a-z 0-9 _ -",
      CloseCode.badRequest,
    );
  }
  const existing = request.session === null ? undefined : state.roster.get(request.session);
  if (existing) return rejoin(state, ctx, existing, request, now);
  if (request.membersOnly) {
    return refuse(state, request, ErrorCode.forbidden, "this conversation has ended", CloseCode.forbidden);
  }

  const session = request.session ?? request.newSession;
  const requested = request.username?.trim() ?? "";
  let username: string;
  if (requested === "") {
    username = freeAnonymousName(state.roster, now);
  } else {
    const check = checkUsername(requested);
    if (!check.ok) return refuse(state, request, ErrorCode.badUsername, check.reason, CloseCode.badRequest);
    username = check.username;
  }
  const ban = ctx.banOn(requested === "" ? null : username, request.session);
  if (ban)
    return refuse(state, request, ErrorCode.banned, youAreBanned(banLeft(ban.until, now)), CloseCode.banned, username);
  if (state.roster.byName(username)) {
    const taken = `the name ${username} is taken in this room`;
    return refuse(state, request, ErrorCode.usernameTaken, taken, CloseCode.usernameTaken, username);
  }
  if (ctx.privacy?.closed) {
    return refuse(state, request, ErrorCode.forbidden, "this conversation has ended", CloseCode.forbidden, username);
  }
  if (ctx.privacy && state.roster.size >= PRIVATE_ROOM_SIZE) {
    return refuse(
      state,
      request,
      ErrorCode.forbidden,
      "this conversation already has two people",
      CloseCode.forbidden,
      username,
    );
  }
  if (state.roster.size >= ctx.config.maxConnections) {
    return refuse(
      state,
      request,
      ErrorCode.roomFull,
      "this room is full; try again later",
      CloseCode.roomFull,
      username,
    );
  }

  const member: Member = {
    session,
    username,
    // The first person in an empty room runs it; two strangers are equals, so nobody runs theirs.
    operator: state.roster.size === 0 && ctx.privacy === null,
    connectedAt: now,
    messagesSent: 0,
    lastSeen: now,
    bucket: fullBucket({ burst: ctx.config.rateLimitBurst, perSecond: ctx.config.rateLimitPerSecond }, now),
    drops: [],
    conns: [request.conn],
  };
  return chain(
    state,
    () => [{ kind: "add", member }, ...greeting(state, ctx, member, request)],
    (s) =>
      isCrowd(ctx, state.roster.size + 1)
        ? [{ kind: "presence", joined: username }]
        : notice(s, SystemEvent.join, username, `${username} joined`, now),
    () => [userCount(state.roster.size + 1), { kind: "log", entry: { event: "join", username } }],
  );
}

/**
 * Another tab of a member, or the member back within the grace: no notice to
 * anyone. A session keeps at most `maxTabsPerSession` connections: one more
 * closes the one quiet longest, which is usually a socket that died without
 * the room noticing yet (a reconnect after a network change must never be
 * refused because of its own dead sockets). That tab is told why, with a
 * close code after which it does not reconnect by itself.
 */
function rejoin(state: RoomState, ctx: RoomContext, existing: Member, request: JoinRequest, now: number): Outcome {
  const ban = ctx.banOn(existing.username, existing.session);
  if (ban)
    return refuse(
      state,
      request,
      ErrorCode.banned,
      youAreBanned(banLeft(ban.until, now)),
      CloseCode.banned,
      existing.username,
    );
  const returning = existing.awayUntil !== undefined;
  const { awayUntil: _, ...rest } = existing;
  const victim = existing.conns.length >= ctx.config.maxTabsPerSession ? quietest(ctx, existing.conns) : undefined;
  const kept = victim === undefined ? existing.conns : existing.conns.filter((c) => c !== victim);
  const member: Member = { ...rest, conns: [...kept, request.conn], lastSeen: now };
  const max = ctx.config.maxTabsPerSession;
  const evicted: Effect[] =
    victim === undefined
      ? []
      : [
          {
            kind: "send",
            to: victim,
            frame: errorFrame({
              code: ErrorCode.tooManyTabs,
              message: `you have more than ${max} tabs open in this room; this one was closed`,
            }),
          },
          { kind: "close", to: victim, code: CloseCode.tooManyTabs, reason: "too many tabs" },
          { kind: "log", entry: { event: "tab_closed", username: member.username, tabs: max } },
        ];
  const effects: Effect[] = [
    ...evicted,
    { kind: "update", member, durable: returning },
    ...greeting(state, ctx, member, request),
    { kind: "send", to: request.conn, frame: serverFrame(ServerType.userCount, { count: state.roster.size }) },
    { kind: "log", entry: { event: returning ? "resume" : "tab", username: member.username } },
  ];
  return { state, effects };
}

/** The connection with the oldest last sign of life (a frame or a heartbeat). */
function quietest(ctx: RoomContext, conns: readonly string[]): string | undefined {
  let found: string | undefined;
  let oldest = Number.POSITIVE_INFINITY;
  for (const conn of conns) {
    const active = ctx.lastActive(conn);
    if (active < oldest) {
      oldest = active;
      found = conn;
    }
  }
  return found;
}

/**
 * `/nick`: the person takes another name, under every rule a joiner's name
 * meets (well formed, not banned, not taken by look by someone else). The
 * room is told "alice is now alicia", and the person's own tabs learn their
 * new name from `renamed`. Messages already sent keep the name they had.
 */
export function rename(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  requested: string,
  now: number,
): Outcome {
  const check = checkUsername(requested);
  if (!check.ok) return reply(state, sender, conn, { code: ErrorCode.badUsername, message: check.reason });
  const username = check.username;
  if (username === sender.username) {
    return reply(state, sender, conn, { code: ErrorCode.badUsername, message: `you are ${username} already` });
  }
  const holder = state.roster.byName(username);
  if (holder && holder.session !== sender.session) {
    const taken = `the name ${username} is taken in this room`;
    return reply(state, sender, conn, { code: ErrorCode.usernameTaken, message: taken });
  }
  if (ctx.banOn(username, null)) {
    return reply(state, sender, conn, { code: ErrorCode.banned, message: `the name ${username} is banned here` });
  }
  const renamed: Member = { ...sender, username };
  const from = sender.username;
  const step = chain(
    state,
    () => [
      { kind: "update", member: renamed, durable: true },
      ...toMember(renamed, serverFrame(ServerType.renamed, { username })),
    ],
    // A notice even in a crowd, where arrivals and departures are only `presence`: a rename told
    // as one person gone and another come would lose their place and role in everyone's list.
    (s) => {
      const id = s.lastId + 1;
      const frame = serverFrame(ServerType.system, {
        id,
        text: `${from} is now ${username}`,
        ts: now,
        event: SystemEvent.nick,
        username,
        from,
      }) as HistoryFrame;
      return {
        state: { ...s, lastId: id },
        effects: [
          { kind: "record", frame },
          { kind: "broadcast", frame },
        ],
      };
    },
    () => [{ kind: "log", entry: { event: "nick", username, from } }],
  );
  return keeping(renamed, step);
}

/**
 * Bookkeeping once members are gone: the count, a new operator if they ran
 * the room, and for a private room, closing it (and forgetting it once empty).
 * Several at once (everyone whose grace ended in one alarm) cost the room
 * one pass, not one per leaver.
 */
export function without(
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
  if (!gone.some((m) => m.operator)) return { state: rest, effects };
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
 * The notice for someone leaving: in a private room, the partner is told the
 * conversation is over; in a crowd, the next `presence` frame names them.
 */
export function leaveNotice(state: RoomState, ctx: RoomContext, leaver: Member, now: number, why = ""): Outcome {
  if (isCrowd(ctx, state.roster.size)) return { state, effects: [{ kind: "presence", left: leaver.username }] };
  return ctx.privacy
    ? notice(state, SystemEvent.partnerLeft, leaver.username, `${leaver.username} left the conversation`, now)
    : notice(state, SystemEvent.leave, leaver.username, `${leaver.username} left${why}`, now);
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
    (s) => without(s, ctx, [leaver], now, departing),
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
    add(without(current, ctx, leavers, now, departing));
  }
  // Tabs closed here no longer count toward their member's next deadline.
  const closedNow = new Set(thinned.flatMap((t) => t.closed));
  const stillOpen = (conn: string) => (closedNow.has(conn) ? Number.POSITIVE_INFINITY : ctx.lastActive(conn));
  effects.push({ kind: "wake", at: nextDeadline(current.roster, stillOpen, idleMs) });
  return { state: current, effects };
}
