import {
  anonymousName,
  type ClientFrame,
  ClientType,
  CloseCode,
  COMMANDS,
  checkUsername,
  ErrorCode,
  type ErrorPayload,
  type HistoryFrame,
  isSessionId,
  MAX_HISTORY,
  parseClientFrame,
  type ServerFrame,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../protocol";
import type { RoomConfig } from "./config";
import { fullBucket, take } from "./rate-limit";
import type { Member, RosterView } from "./roster";

/**
 * The room's pure logic: platform events in, new state and effects out. Nothing
 * here touches a socket, storage or the clock, so every rule of the room is
 * testable in plain Node and the Durable Object stays a thin shell.
 */

export type { Member, RosterView } from "./roster";

export interface RoomState {
  room: string;
  /** Highest message id handed out so far; ids only grow. */
  lastId: number;
  /** Open, joined connections. */
  roster: RosterView;
}

/** What the room's rules need from outside besides state: limits, bans, and whether it is private. */
export interface RoomContext {
  config: RoomConfig;
  /** Whether this name (case-insensitively) or this session is banned. */
  isBanned(username: string | null, session: string | null): boolean;
  /** A private stranger room (two people, closed once one leaves), or null for a public room. */
  privacy: { closed: boolean } | null;
}

/** Two people per private room. */
const PRIVATE_ROOM_SIZE = 2;

/** One structured log line; the shell adds the room. Never carries message text. */
export type LogEntry = { event: string; username?: string } & Record<string, string | number | boolean | undefined>;

export type Effect =
  /** Send a frame to one connection. */
  | { kind: "send"; to: string; frame: ServerFrame }
  /** Send a frame to every joined connection (serialized once). */
  | { kind: "broadcast"; frame: ServerFrame }
  /** Append to the room's durable history. */
  | { kind: "record"; frame: HistoryFrame }
  /** Send the history frame, read from storage, to one connection. */
  | { kind: "replay"; to: string; since: number | undefined }
  /** Close one connection; it leaves without a further notice. */
  | { kind: "close"; to: string; code: number; reason: string }
  /** Membership: a member joined, left, or changed (counters, operator, bucket). */
  | { kind: "add"; member: Member }
  | { kind: "remove"; id: string }
  | { kind: "update"; member: Member }
  /** Keep a name and session out of the room; lift such a ban. */
  | { kind: "ban"; username: string; session: string | null }
  | { kind: "unban"; username: string }
  /** A private room: close it to new joins; forget its history once empty. */
  | { kind: "closeRoom" }
  | { kind: "forget" }
  | { kind: "log"; entry: LogEntry };

/** What an event leads to: the new id counter, and the effects to perform in order. */
export interface Transition {
  lastId: number;
  effects: Effect[];
}

/** A step of a multi-step transition: the state it leaves behind, and its effects. */
interface Step {
  state: RoomState;
  effects: Effect[];
}

export interface JoinRequest {
  /** Id for the new connection, chosen by the shell. */
  id: string;
  username: string | null;
  session: string | null;
  /** A fresh session id, used when the client brought none. */
  newSession: string;
  since: number | undefined;
}

export type JoinOutcome =
  | { ok: true; member: Member; transition: Transition }
  | { ok: false; error: ErrorPayload; closeCode: number; log: LogEntry };

/** `Anon_HHmmss`, then `Anon_HHmmss-2`, `-3`, ... until one is free. */
function freeAnonymousName(roster: RosterView, now: number): string {
  const base = anonymousName(now);
  let name = base;
  for (let n = 2; roster.byName(name); n++) name = `${base}-${n}`;
  return name;
}

function errorFrame(error: ErrorPayload): ServerFrame {
  return serverFrame(ServerType.error, error);
}

function systemFrame(id: number, event: SystemEvent, username: string, text: string, now: number): HistoryFrame {
  return serverFrame(ServerType.system, { id, text, ts: now, event, username }) as HistoryFrame;
}

/** Allocates the next id for a system notice that is recorded and broadcast. */
function notice(state: RoomState, event: SystemEvent, username: string, text: string, now: number): Step {
  const id = state.lastId + 1;
  const frame = systemFrame(id, event, username, text, now);
  return {
    state: { ...state, lastId: id },
    effects: [
      { kind: "record", frame },
      { kind: "broadcast", frame },
    ],
  };
}

/** A system line for one person only (replies to moderation commands); not recorded. */
function privateNotice(state: RoomState, to: Member, username: string, text: string, now: number): Step {
  const id = state.lastId + 1;
  const frame = systemFrame(id, SystemEvent.info, username, text, now);
  return { state: { ...state, lastId: id }, effects: [{ kind: "send", to: to.id, frame }] };
}

function userCount(count: number): Effect {
  return { kind: "broadcast", frame: serverFrame(ServerType.userCount, { count }) };
}

/** Runs steps in order, threading the state through and concatenating their effects. */
function chain(state: RoomState, ...steps: ((s: RoomState) => Step | Effect[])[]): Step {
  let current = state;
  const effects: Effect[] = [];
  for (const step of steps) {
    const result = step(current);
    if (Array.isArray(result)) effects.push(...result);
    else {
      current = result.state;
      effects.push(...result.effects);
    }
  }
  return { state: current, effects };
}

function done(step: Step): Transition {
  return { lastId: step.state.lastId, effects: step.effects };
}

function refuse(code: ErrorPayload["code"], message: string, closeCode: number, username?: string): JoinOutcome {
  return { ok: false, error: { code, message }, closeCode, log: { event: "join_refused", code, username } };
}

/**
 * Decides whether a connection may join and under which name. The server is
 * authoritative: a blank name becomes `Anon_HHmmss`, a taken name is refused
 * unless the same session holds it (a reload or second tab takes it over).
 */
export function join(state: RoomState, ctx: RoomContext, request: JoinRequest, now: number): JoinOutcome {
  if (request.session !== null && !isSessionId(request.session)) {
    return refuse(ErrorCode.badSession, "session must be 8-64 characters of A-Z a-z 0-9 _ -", CloseCode.badRequest);
  }
  const session = request.session ?? request.newSession;
  const requested = request.username?.trim() ?? "";
  let username: string;
  if (requested === "") {
    username = freeAnonymousName(state.roster, now);
  } else {
    const check = checkUsername(requested);
    if (!check.ok) return refuse(ErrorCode.badUsername, check.reason, CloseCode.badRequest);
    username = check.username;
  }
  if (ctx.isBanned(requested === "" ? null : username, request.session)) {
    return refuse(ErrorCode.banned, "you are banned from this room", CloseCode.banned, username);
  }

  const holder = state.roster.byName(username);
  if (holder && holder.session !== session) {
    return refuse(
      ErrorCode.usernameTaken,
      `the name ${username} is taken in this room`,
      CloseCode.usernameTaken,
      username,
    );
  }
  if (ctx.privacy?.closed) {
    return refuse(ErrorCode.forbidden, "this conversation has ended", CloseCode.forbidden, username);
  }
  if (ctx.privacy && !holder && state.roster.size >= PRIVATE_ROOM_SIZE) {
    return refuse(ErrorCode.forbidden, "this conversation already has two people", CloseCode.forbidden, username);
  }
  if (!holder && state.roster.size >= ctx.config.maxConnections) {
    return refuse(ErrorCode.roomFull, "this room is full; try again later", CloseCode.roomFull, username);
  }

  const others = holder ? state.roster.size - 1 : state.roster.size;
  const member: Member = {
    id: request.id,
    username: holder?.username ?? username,
    session,
    // The first person in an empty room runs it; a takeover keeps the holder's role.
    operator: holder ? holder.operator : others === 0,
    connectedAt: now,
    messagesSent: 0,
    lastSeen: now,
    bucket: fullBucket({ burst: ctx.config.rateLimitBurst, perSecond: ctx.config.rateLimitPerSecond }, now),
    drops: [],
  };
  const step = chain(
    state,
    (): Effect[] =>
      holder
        ? [
            { kind: "close", to: holder.id, code: CloseCode.replaced, reason: "replaced by a newer connection" },
            { kind: "remove", id: holder.id },
          ]
        : [],
    () => [
      { kind: "add", member },
      {
        kind: "send",
        to: member.id,
        frame: serverFrame(ServerType.welcome, {
          username: member.username,
          session,
          room: state.room,
          operator: member.operator,
          limits: { maxMessageLength: ctx.config.maxMessageLength, maxHistory: MAX_HISTORY },
        }),
      },
      { kind: "replay", to: member.id, since: request.since },
    ],
    // A takeover is the same person coming back: no join or leave notice.
    (s) => (holder ? [] : notice(s, SystemEvent.join, member.username, `${member.username} joined`, now)),
    () => [
      userCount(others + 1),
      { kind: "log", entry: { event: holder ? "takeover" : "join", username: member.username } },
    ],
  );
  return { ok: true, member, transition: done(step) };
}

/**
 * Bookkeeping once a member is gone: the count, a new operator if they ran
 * the room, and for a private room, closing it (and forgetting it once empty).
 */
function without(state: RoomState, ctx: RoomContext, leaver: Member, now: number): Step {
  const roster = state.roster.clone();
  roster.remove(leaver.id);
  const rest: RoomState = { ...state, roster };
  const effects: Effect[] = [{ kind: "remove", id: leaver.id }, userCount(roster.size)];
  if (ctx.privacy) {
    effects.push({ kind: "closeRoom" });
    if (roster.size === 0) effects.push({ kind: "forget" });
    return { state: rest, effects };
  }
  const members = [...roster.values()];
  if (!leaver.operator || members.length === 0 || members.some((m) => m.operator)) {
    return { state: rest, effects };
  }
  const heir = members.reduce((a, b) => (b.connectedAt < a.connectedAt ? b : a));
  const promoted = { ...heir, operator: true };
  roster.update(promoted);
  return chain(
    rest,
    () => [...effects, { kind: "update", member: promoted }],
    (s) => notice(s, SystemEvent.operator, heir.username, `${heir.username} now runs the room`, now),
    () => [{ kind: "log", entry: { event: "operator", username: heir.username } }],
  );
}

/** The notice for someone leaving: in a private room, the partner is told the conversation is over. */
function leaveNotice(state: RoomState, ctx: RoomContext, leaver: Member, now: number, why = ""): Step {
  return ctx.privacy
    ? notice(state, SystemEvent.partnerLeft, leaver.username, `${leaver.username} left the conversation`, now)
    : notice(state, SystemEvent.leave, leaver.username, `${leaver.username} left${why}`, now);
}

/** A member's socket went away (closed or errored): the room is told. */
export function leave(state: RoomState, ctx: RoomContext, leaver: Member, now: number): Transition {
  return done(leaving(state, ctx, leaver, now));
}

function leaving(state: RoomState, ctx: RoomContext, leaver: Member, now: number): Step {
  return chain(
    state,
    (s) => leaveNotice(s, ctx, leaver, now),
    (s) => without(s, ctx, leaver, now),
    () => [{ kind: "log", entry: { event: "leave", username: leaver.username } }],
  );
}

/** When the room next needs to look for idle connections, or null when nobody is here. */
export function nextIdleCheck(
  roster: RosterView,
  lastActive: (m: Member) => number,
  config: RoomConfig,
): number | null {
  let next: number | null = null;
  for (const m of roster.values()) {
    const deadline = lastActive(m) + config.idleTimeoutMs;
    if (next === null || deadline < next) next = deadline;
  }
  return next;
}

/**
 * Evicts connections that have sent nothing, heartbeats included, for the
 * idle timeout. `lastActive` is the later of the member's last frame and the
 * runtime's last heartbeat answer.
 */
export function expire(state: RoomState, ctx: RoomContext, lastActive: (m: Member) => number, now: number) {
  const idle = [...state.roster.values()].filter((m) => now - lastActive(m) >= ctx.config.idleTimeoutMs);
  let current: Step = { state, effects: [] };
  for (const member of idle) {
    const step = chain(
      current.state,
      (s) => {
        const id = s.lastId + 1;
        const frame = systemFrame(id, SystemEvent.idle, member.username, "disconnected due to inactivity", now);
        return {
          state: { ...s, lastId: id },
          effects: [
            { kind: "send", to: member.id, frame },
            { kind: "close", to: member.id, code: CloseCode.idle, reason: "idle" },
          ],
        };
      },
      (s) => leaveNotice(s, ctx, member, now, " (inactive)"),
      (s) => without(s, ctx, member, now),
      () => [{ kind: "log", entry: { event: "idle", username: member.username } }],
    );
    current = { state: step.state, effects: [...current.effects, ...step.effects] };
  }
  return { ...done(current), nextCheck: nextIdleCheck(current.state.roster, lastActive, ctx.config) };
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * Handles one raw frame from a joined member: rate limit, size, parse, then
 * the frame itself. Every frame that is not acted on is answered with an error.
 */
export function receive(
  state: RoomState,
  ctx: RoomContext,
  senderId: string,
  raw: string | ArrayBuffer,
  now: number,
): Transition {
  const found = state.roster.get(senderId);
  if (!found) return { lastId: state.lastId, effects: [] };
  const { config } = ctx;
  const taken = take(found.bucket, { burst: config.rateLimitBurst, perSecond: config.rateLimitPerSecond }, now);
  const sender: Member = { ...found, lastSeen: now, bucket: taken.bucket };

  let result: Handled;
  if (!taken.ok) {
    result = dropped(state, ctx, sender, taken.retryAfterMs, now);
  } else {
    const size = typeof raw === "string" ? (raw.length * 3 <= config.maxFrameBytes ? 0 : utf8Length(raw)) : 0;
    if (size > config.maxFrameBytes) {
      result = reply(state, sender, {
        code: ErrorCode.tooLarge,
        message: `a frame is at most ${config.maxFrameBytes} bytes`,
      });
    } else {
      const parsed = parseClientFrame(raw, config.maxMessageLength);
      result = parsed.ok ? handle(state, ctx, sender, parsed.frame, now) : reply(state, sender, parsed.error);
    }
  }
  // The sender's counters, bucket and last-seen time go back into its attachment.
  const effects = result.sender
    ? [...result.effects, { kind: "update", member: result.sender } as Effect]
    : result.effects;
  return { lastId: result.lastId, effects };
}

/** What handling one frame did: the sender as it is now (null once gone), and the effects. */
interface Handled extends Transition {
  sender: Member | null;
}

function fromStep(step: Step, sender: Member | null): Handled {
  return { lastId: step.state.lastId, effects: step.effects, sender };
}

function reply(state: RoomState, to: Member, error: ErrorPayload): Handled {
  return {
    lastId: state.lastId,
    sender: to,
    effects: [
      { kind: "send", to: to.id, frame: errorFrame(error) },
      { kind: "log", entry: { event: "frame_error", username: to.username, code: error.code } },
    ],
  };
}

/** A frame over the rate limit is dropped; a connection that keeps flooding is closed. */
function dropped(state: RoomState, ctx: RoomContext, sender: Member, retryAfterMs: number, now: number): Handled {
  const drops = [...sender.drops.filter((t) => now - t < ctx.config.floodWindowMs), now].slice(-ctx.config.floodDrops);
  const updated = { ...sender, drops };
  if (drops.length < ctx.config.floodDrops) {
    return {
      lastId: state.lastId,
      sender: updated,
      effects: [
        {
          kind: "send",
          to: sender.id,
          frame: errorFrame({ code: ErrorCode.rateLimited, message: "slow down", retryAfterMs }),
        },
      ],
    };
  }
  const step = chain(
    state,
    () => [
      {
        kind: "send",
        to: sender.id,
        frame: errorFrame({ code: ErrorCode.rateLimited, message: "too many messages; disconnected", retryAfterMs }),
      },
      { kind: "close", to: sender.id, code: CloseCode.flooding, reason: "flooding" },
    ],
    (s) => leaveNotice(s, ctx, sender, now),
    (s) => without(s, ctx, updated, now),
    () => [{ kind: "log", entry: { event: "rate_limit_close", username: sender.username, drops: drops.length } }],
  );
  return fromStep(step, null);
}

function handle(state: RoomState, ctx: RoomContext, sender: Member, frame: ClientFrame, now: number): Handled {
  const answer = (f: ServerFrame): Handled => ({
    lastId: state.lastId,
    sender,
    effects: [{ kind: "send", to: sender.id, frame: f }],
  });
  switch (frame.type) {
    case ClientType.chatMessage: {
      const id = state.lastId + 1;
      const message = serverFrame(ServerType.chatMessage, {
        id,
        username: sender.username,
        message: frame.payload.message,
        ts: now,
      }) as HistoryFrame;
      return counted(sender, id, [
        { kind: "record", frame: message },
        { kind: "broadcast", frame: message },
      ]);
    }
    case ClientType.dm: {
      const recipient = state.roster.byName(frame.payload.to);
      if (!recipient) {
        return reply(state, sender, {
          code: ErrorCode.noSuchUser,
          message: `nobody called ${frame.payload.to} is here`,
        });
      }
      const id = state.lastId + 1;
      const dm = serverFrame(ServerType.dm, {
        id,
        from: sender.username,
        to: recipient.username,
        message: frame.payload.message,
        ts: now,
      });
      const effects: Effect[] = [{ kind: "send", to: recipient.id, frame: dm }];
      if (recipient.id !== sender.id) effects.push({ kind: "send", to: sender.id, frame: dm });
      return counted(sender, id, effects);
    }
    case ClientType.users:
      return answer(
        serverFrame(ServerType.users, {
          users: [...state.roster.values()]
            .sort((a, b) => a.connectedAt - b.connectedAt)
            .map((m) => ({ username: m.username, operator: m.operator, since: m.connectedAt })),
        }),
      );
    case ClientType.stats:
      return answer(
        serverFrame(ServerType.stats, {
          username: sender.username,
          room: state.room,
          messagesSent: sender.messagesSent,
          connectedAt: sender.connectedAt,
          userCount: state.roster.size,
        }),
      );
    case ClientType.help:
      return answer(serverFrame(ServerType.help, { commands: [...COMMANDS] }));
    case ClientType.ping:
      return answer(serverFrame(ServerType.pong, {}));
    case ClientType.quit:
      return fromStep(
        chain(
          state,
          () => [{ kind: "close", to: sender.id, code: CloseCode.normal, reason: "bye" }],
          (s) => leaving(s, ctx, sender, now),
        ),
        null,
      );
    case ClientType.kick:
    case ClientType.ban:
    case ClientType.unban:
      return moderate(state, ctx, sender, frame.type, frame.payload.username, now);
  }
}

/** Kick, ban and unban: the operator's tools. */
function moderate(
  state: RoomState,
  ctx: RoomContext,
  operator: Member,
  action: "kick" | "ban" | "unban",
  name: string,
  now: number,
): Handled {
  if (!operator.operator) {
    return reply(state, operator, { code: ErrorCode.notOperator, message: `only the room's operator can ${action}` });
  }
  const target = state.roster.byName(name);
  if (target?.id === operator.id) {
    return reply(state, operator, { code: ErrorCode.badMessage, message: `you cannot ${action} yourself` });
  }
  const log = (): Effect[] => [
    { kind: "log", entry: { event: action, username: target?.username ?? name, by: operator.username } },
  ];
  switch (action) {
    case "kick":
      if (!target)
        return reply(state, operator, { code: ErrorCode.noSuchUser, message: `nobody called ${name} is here` });
      return fromStep(
        chain(
          state,
          (s) =>
            notice(s, SystemEvent.kick, target.username, `${target.username} was kicked by ${operator.username}`, now),
          () => [{ kind: "close", to: target.id, code: CloseCode.kicked, reason: "kicked" }],
          (s) => without(s, ctx, target, now),
          log,
        ),
        operator,
      );
    case "ban":
      if (!target) {
        return fromStep(
          chain(
            state,
            () => [{ kind: "ban", username: name, session: null }],
            (s) => privateNotice(s, operator, name, `${name} is banned from this room`, now),
            log,
          ),
          operator,
        );
      }
      return fromStep(
        chain(
          state,
          () => [{ kind: "ban", username: target.username, session: target.session }],
          (s) =>
            notice(s, SystemEvent.ban, target.username, `${target.username} was banned by ${operator.username}`, now),
          () => [{ kind: "close", to: target.id, code: CloseCode.banned, reason: "banned" }],
          (s) => without(s, ctx, target, now),
          log,
        ),
        operator,
      );
    case "unban":
      if (!ctx.isBanned(name, null)) {
        return reply(state, operator, { code: ErrorCode.notBanned, message: `${name} is not banned here` });
      }
      return fromStep(
        chain(
          state,
          () => [{ kind: "unban", username: name }],
          (s) => privateNotice(s, operator, name, `${name} may join again`, now),
          log,
        ),
        operator,
      );
  }
}

/** A sent message takes an id and counts toward the sender's statistics. */
function counted(sender: Member, id: number, effects: Effect[]): Handled {
  return { lastId: id, sender: { ...sender, messagesSent: sender.messagesSent + 1 }, effects };
}
