import {
  anonymousName,
  CloseCode,
  checkUsername,
  ErrorCode,
  type ErrorPayload,
  isSessionId,
  MAX_HISTORY,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../../protocol";
import { banLeft, youAreBanned } from "./ban-terms";
import { type Effect, userCount } from "./effects";
import { errorFrame } from "./frames";
import { notice } from "./notices";
import { chain, type Outcome } from "./outcome";
import { fullBucket } from "./rate-limit";
import type { Member, RosterView } from "./roster";
import { isCrowd, type RoomContext, type RoomState } from "./state";

/**
 * Joining: a new member under a name the server decides, or another tab of
 * a member (or the member back within the grace) under its name and role.
 * A member is a session; its tabs are connections.
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
