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
import { mayEnter, unseenBy } from "./conversation";
import { closeMember, type Effect, userCount } from "./effects";
import { errorFrame } from "./frames";
import { renaming } from "./nick";
import { notice } from "./notices";
import { chain, type Outcome, refusalOf } from "./outcome";
import { holdsRole } from "./ownership";
import { fullBucket } from "./rate-limit";
import { type Member, type RosterView, rosterWithout } from "./roster";
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
  /** The client's address, when the platform gives one: an anonymous person's ban holds it. */
  address?: string | null;
  /** Signed in: the account the worker verified. The join takes the account's name, whatever `username` says. */
  account?: SignedInAccount;
  /**
   * The public author id this join would write under: `a` and the account's
   * id when signed in, else derived from `session ?? newSession` by the shell
   * (one way, so it resumes nothing).
   */
  author: string;
}

export interface SignedInAccount {
  id: string;
  name: string;
  /** The account session this connection came in with (its public id), so ending it ends the connection. */
  session: string;
}

/** The roster key of an account's member: `@` cannot start a session, so no anonymous join can take it. */
export function accountMember(accountId: string): string {
  return `@${accountId}`;
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

/** A conversation takes only its two people. */
function notYours(state: RoomState, request: JoinRequest): Outcome {
  return refuse(state, request, ErrorCode.forbidden, "this conversation is not yours", CloseCode.forbidden);
}

/** What every new connection is sent first: welcome, then the replay it asked for. */
function greeting(state: RoomState, ctx: RoomContext, member: Member, request: JoinRequest): Effect[] {
  const epoch = ctx.epoch();
  const reset = request.epoch !== undefined && request.epoch !== epoch;
  const owner = ctx.roles()?.owner.name;
  const topic = owner === undefined ? null : ctx.settings().topic;
  const unseen = unseenBy(ctx, member);
  return [
    {
      kind: "replay",
      to: request.conn,
      session: member.session,
      since: reset ? undefined : request.since,
      reset,
      ...(unseen === null ? {} : { unseen }),
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
        ...(owner === undefined ? {} : { owner }),
        ...(topic === null ? {} : { topic }),
        ...(member.author === "" ? {} : { authorId: member.author }),
        ...(member.verified ? { verified: true as const } : {}),
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
  if (request.account) return joinSignedIn(state, ctx, request, request.account, now);
  if (!mayEnter(ctx, undefined)) return notYours(state, request);
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
  return admitNew(state, ctx, request, { session, requested, author: request.author }, now);
}

/** Who a new member would be: its roster key, the name it asked for ("" for none), its author id, its mark. */
interface Newcomer {
  session: string;
  requested: string;
  author: string;
  verified?: true;
  /** A member being renamed in the same event, whose old name this newcomer may take. */
  displaced?: string;
}

/**
 * A signed-in join: the account's member, one across every device and tab,
 * under the account's name. The name is the account's in every room: this
 * browser's own anonymous self (it has just claimed the name it was using)
 * becomes the account's member without anyone being told, and anyone else
 * holding the name (who took it before it was claimed) is given an anonymous
 * one, with a notice saying why.
 */
function joinSignedIn(
  state: RoomState,
  ctx: RoomContext,
  request: JoinRequest,
  account: SignedInAccount,
  now: number,
): Outcome {
  if (!mayEnter(ctx, account.id)) return notYours(state, request);
  const key = accountMember(account.id);
  const existing = state.roster.get(key);
  if (existing) return rejoin(state, ctx, existing, request, now);
  const newcomer: Newcomer = { session: key, requested: account.name, author: request.author, verified: true };
  const holder = state.roster.byName(account.name);
  if (!holder) return admitNew(state, ctx, request, newcomer, now);
  if (holder.session === request.session) return handOver(state, ctx, holder, request, newcomer, now);
  if (holder.verified) {
    // Two accounts cannot share a name; this one is a look-alike claimed separately before claims were compared.
    const taken = `the name ${account.name} is taken in this room`;
    return refuse(state, request, ErrorCode.usernameTaken, taken, CloseCode.usernameTaken, account.name);
  }
  const username = freeAnonymousName(state.roster, now);
  const renamed: Member = { ...holder, username };
  const text = `${holder.username} is now ${username}: the name ${account.name} belongs to an account`;
  const step = renaming(state, holder, username, text, now, "name_reclaimed");
  const roster = rosterWithout(state.roster, new Set(), renamed);
  const entered = admitNew({ ...step.state, roster }, ctx, request, { ...newcomer, displaced: holder.session }, now);
  if (refusalOf(entered)) return entered;
  return { state: entered.state, effects: [...step.effects, ...entered.effects] };
}

/**
 * This browser was in the room anonymously under the name it has now signed
 * in to: the member becomes the account's, keeping its place and role, and
 * nobody sees it leave or arrive. Its other tabs are closed so that they come
 * back signed in too.
 */
function handOver(
  state: RoomState,
  ctx: RoomContext,
  holder: Member,
  request: JoinRequest,
  newcomer: Newcomer,
  now: number,
): Outcome {
  const { awayUntil: _, ...rest } = holder;
  const member: Member = {
    ...rest,
    session: newcomer.session,
    username: newcomer.requested,
    author: newcomer.author,
    verified: true,
    conns: [request.conn],
    lastSeen: now,
    operator: ctx.roles() === null ? holder.operator : holdsRole(ctx, { session: newcomer.session, verified: true }),
  };
  const ban = ctx.banOn(member.username, member.session);
  if (ban) {
    return refuse(state, request, ErrorCode.banned, youAreBanned(banLeft(ban.until, now)), CloseCode.banned);
  }
  return {
    state,
    effects: [
      ...closeMember(holder, CloseCode.signedIn, "signed in"),
      { kind: "remove", session: holder.session },
      { kind: "add", member },
      ...greeting(state, ctx, member, request),
      { kind: "send", to: request.conn, frame: serverFrame(ServerType.userCount, { count: state.roster.size }) },
      // Nobody sees a leave or a join, but everyone's people list shows the mark now.
      {
        kind: "broadcast",
        frame: serverFrame(ServerType.userUpdated, { username: member.username, verified: true }),
        except: [request.conn],
      },
      { kind: "log", entry: { event: "signed_in", username: member.username } },
    ],
  };
}

/** A join that is not another tab of a member: every rule of the room, then the member and the notices. */
function admitNew(state: RoomState, ctx: RoomContext, request: JoinRequest, newcomer: Newcomer, now: number): Outcome {
  const { session, requested } = newcomer;
  let username: string;
  if (requested === "") {
    username = freeAnonymousName(state.roster, now);
  } else {
    const check = checkUsername(requested);
    if (!check.ok) return refuse(state, request, ErrorCode.badUsername, check.reason, CloseCode.badRequest);
    username = check.username;
  }
  const ban = ctx.banOn(requested === "" ? null : username, session, newcomer.verified ? null : request.address);
  if (ban)
    return refuse(state, request, ErrorCode.banned, youAreBanned(banLeft(ban.until, now)), CloseCode.banned, username);
  const holder = state.roster.byName(username);
  if (holder && holder.session !== newcomer.displaced) {
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
    author: newcomer.author,
    ...(newcomer.verified ? { verified: true as const } : {}),
    ...(!newcomer.verified && request.address ? { address: request.address } : {}),
    // An owned room is run by its owner and the operators it appointed. Otherwise the first person
    // in an empty room runs it; two strangers are equals, so nobody runs theirs.
    // A conversation is two equals: nobody runs it.
    operator:
      ctx.roles() === null
        ? state.roster.size === 0 && ctx.privacy === null && ctx.conversation === null
        : holdsRole(ctx, { session, verified: newcomer.verified }),
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
      ctx.conversation !== null
        ? []
        : isCrowd(ctx, state.roster.size + 1)
          ? [{ kind: "presence", joined: username }]
          : notice(s, SystemEvent.join, username, `${username} joined`, now, newcomer.verified),
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
  const ban = ctx.banOn(existing.username, existing.session, existing.verified ? null : request.address);
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
  const member: Member = {
    ...rest,
    conns: [...kept, request.conn],
    lastSeen: now,
    ...(existing.verified || !request.address ? {} : { address: request.address }),
  };
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
