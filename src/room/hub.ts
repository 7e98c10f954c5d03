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
  nameKey,
  parseClientFrame,
  type ServerFrame,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../protocol";
import type { RoomConfig } from "./config";
import { type Bucket, fullBucket, take } from "./rate-limit";

/**
 * The room's pure logic: platform events in, new state and effects out. Nothing
 * here touches a socket, storage or the clock, so every rule of the room is
 * testable in plain Node and the Durable Object stays a thin shell.
 */

/** One joined connection. The shell keeps it in the socket's attachment. */
export interface Member {
  /** Connection id, unique per socket. */
  id: string;
  username: string;
  session: string;
  operator: boolean;
  connectedAt: number;
  messagesSent: number;
  /** Last frame received from this connection (heartbeats are tracked by the runtime). */
  lastSeen: number;
  bucket: Bucket;
  /** Times of recent frames dropped by the rate limit, newest last. */
  drops: number[];
}

export interface RoomState {
  room: string;
  /** Highest message id handed out so far; ids only grow. */
  lastId: number;
  /** Open, joined connections. */
  members: readonly Member[];
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
  /** Store a member's changed attachment. */
  | { kind: "update"; member: Member }
  /** Keep a name and session out of the room; lift such a ban. */
  | { kind: "ban"; username: string; session: string | null }
  | { kind: "unban"; username: string }
  /** A private room: close it to new joins; forget its history once empty. */
  | { kind: "closeRoom" }
  | { kind: "forget" }
  | { kind: "log"; entry: LogEntry };

export interface Transition {
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

function findByName(members: readonly Member[], username: string): Member | undefined {
  const key = nameKey(username);
  return members.find((m) => nameKey(m.username) === key);
}

/** `Anon_HHmmss`, then `Anon_HHmmss-2`, `-3`, ... until one is free. */
function freeAnonymousName(members: readonly Member[], now: number): string {
  const base = anonymousName(now);
  let name = base;
  for (let n = 2; findByName(members, name); n++) name = `${base}-${n}`;
  return name;
}

function errorFrame(error: ErrorPayload): ServerFrame {
  return serverFrame(ServerType.error, error);
}

function systemFrame(id: number, event: SystemEvent, username: string, text: string, now: number): HistoryFrame {
  return serverFrame(ServerType.system, { id, text, ts: now, event, username }) as HistoryFrame;
}

/** Allocates the next id for a system notice that is recorded and broadcast. */
function notice(state: RoomState, event: SystemEvent, username: string, text: string, now: number): Transition {
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
function privateNotice(state: RoomState, to: Member, username: string, text: string, now: number): Transition {
  const id = state.lastId + 1;
  const frame = systemFrame(id, SystemEvent.info, username, text, now);
  return { state: { ...state, lastId: id }, effects: [{ kind: "send", to: to.id, frame }] };
}

function userCount(members: readonly Member[]): Effect {
  return { kind: "broadcast", frame: serverFrame(ServerType.userCount, { count: members.length }) };
}

/** Runs steps in order, threading the state through and concatenating their effects. */
function chain(state: RoomState, ...steps: ((s: RoomState) => Transition | Effect[])[]): Transition {
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
    username = freeAnonymousName(state.members, now);
  } else {
    const check = checkUsername(requested);
    if (!check.ok) return refuse(ErrorCode.badUsername, check.reason, CloseCode.badRequest);
    username = check.username;
  }
  if (ctx.isBanned(requested === "" ? null : username, request.session)) {
    return refuse(ErrorCode.banned, "you are banned from this room", CloseCode.banned, username);
  }

  const holder = findByName(state.members, username);
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
  if (ctx.privacy && !holder && state.members.length >= PRIVATE_ROOM_SIZE) {
    return refuse(ErrorCode.forbidden, "this conversation already has two people", CloseCode.forbidden, username);
  }
  if (!holder && state.members.length >= ctx.config.maxConnections) {
    return refuse(ErrorCode.roomFull, "this room is full; try again later", CloseCode.roomFull, username);
  }

  const others = holder ? state.members.filter((m) => m.id !== holder.id) : state.members;
  const member: Member = {
    id: request.id,
    username: holder?.username ?? username,
    session,
    // The first person in an empty room runs it; a takeover keeps the holder's role.
    operator: holder ? holder.operator : others.length === 0,
    connectedAt: now,
    messagesSent: 0,
    lastSeen: now,
    bucket: fullBucket({ burst: ctx.config.rateLimitBurst, perSecond: ctx.config.rateLimitPerSecond }, now),
    drops: [],
  };
  const members = [...others, member];
  const transition = chain(
    { ...state, members },
    () =>
      holder
        ? [{ kind: "close", to: holder.id, code: CloseCode.replaced, reason: "replaced by a newer connection" }]
        : [],
    () => [
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
      userCount(members),
      { kind: "log", entry: { event: holder ? "takeover" : "join", username: member.username } },
    ],
  );
  return { ok: true, member, transition };
}

/**
 * Bookkeeping once a member is gone: the count, a new operator if they ran
 * the room, and for a private room, closing it (and forgetting it once empty).
 */
function without(state: RoomState, ctx: RoomContext, leaver: Member, now: number): Transition {
  const members = state.members.filter((m) => m.id !== leaver.id);
  const rest: RoomState = { ...state, members };
  if (ctx.privacy) {
    const effects: Effect[] = [userCount(members), { kind: "closeRoom" }];
    if (members.length === 0) effects.push({ kind: "forget" });
    return { state: rest, effects };
  }
  if (!leaver.operator || members.length === 0 || members.some((m) => m.operator)) {
    return { state: rest, effects: [userCount(members)] };
  }
  const heir = members.reduce((a, b) => (b.connectedAt < a.connectedAt ? b : a));
  const promoted = { ...heir, operator: true };
  return chain(
    { ...rest, members: members.map((m) => (m.id === heir.id ? promoted : m)) },
    () => [userCount(members), { kind: "update", member: promoted }],
    (s) => notice(s, SystemEvent.operator, heir.username, `${heir.username} now runs the room`, now),
    () => [{ kind: "log", entry: { event: "operator", username: heir.username } }],
  );
}

/** The notice for someone leaving: in a private room, the partner is told the conversation is over. */
function leaveNotice(state: RoomState, ctx: RoomContext, leaver: Member, now: number, why = ""): Transition {
  return ctx.privacy
    ? notice(state, SystemEvent.partnerLeft, leaver.username, `${leaver.username} left the conversation`, now)
    : notice(state, SystemEvent.leave, leaver.username, `${leaver.username} left${why}`, now);
}

/** A member's socket went away (closed or errored): the room is told. */
export function leave(state: RoomState, ctx: RoomContext, leaver: Member, now: number): Transition {
  return chain(
    state,
    (s) => leaveNotice(s, ctx, leaver, now),
    (s) => without(s, ctx, leaver, now),
    () => [{ kind: "log", entry: { event: "leave", username: leaver.username } }],
  );
}

/** When the room next needs to look for idle connections, or null when nobody is here. */
export function nextIdleCheck(
  members: readonly Member[],
  lastActive: (m: Member) => number,
  config: RoomConfig,
): number | null {
  if (members.length === 0) return null;
  return Math.min(...members.map((m) => lastActive(m) + config.idleTimeoutMs));
}

/**
 * Evicts connections that have sent nothing, heartbeats included, for the
 * idle timeout. `lastActive` is the later of the member's last frame and the
 * runtime's last heartbeat answer.
 */
export function expire(state: RoomState, ctx: RoomContext, lastActive: (m: Member) => number, now: number) {
  const idle = state.members.filter((m) => now - lastActive(m) >= ctx.config.idleTimeoutMs);
  let current: Transition = { state, effects: [] };
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
  return { ...current, nextCheck: nextIdleCheck(current.state.members, lastActive, ctx.config) };
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
  const found = state.members.find((m) => m.id === senderId);
  if (!found) return { state, effects: [] };
  const { config } = ctx;
  const taken = take(found.bucket, { burst: config.rateLimitBurst, perSecond: config.rateLimitPerSecond }, now);
  const sender: Member = { ...found, lastSeen: now, bucket: taken.bucket };
  const current = { ...state, members: state.members.map((m) => (m.id === senderId ? sender : m)) };

  let result: Transition;
  if (!taken.ok) {
    result = dropped(current, sender, taken.retryAfterMs, ctx, now);
  } else {
    const size = typeof raw === "string" ? (raw.length * 3 <= config.maxFrameBytes ? 0 : utf8Length(raw)) : 0;
    if (size > config.maxFrameBytes) {
      result = reply(current, sender, {
        code: ErrorCode.tooLarge,
        message: `a frame is at most ${config.maxFrameBytes} bytes`,
      });
    } else {
      const parsed = parseClientFrame(raw, config.maxMessageLength);
      result = parsed.ok ? handle(current, ctx, sender, parsed.frame, now) : reply(current, sender, parsed.error);
    }
  }
  // The sender's counters, bucket and last-seen time go back into its attachment.
  const after = result.state.members.find((m) => m.id === senderId);
  return after ? { ...result, effects: [...result.effects, { kind: "update", member: after }] } : result;
}

function reply(state: RoomState, to: Member, error: ErrorPayload): Transition {
  return {
    state,
    effects: [
      { kind: "send", to: to.id, frame: errorFrame(error) },
      { kind: "log", entry: { event: "frame_error", username: to.username, code: error.code } },
    ],
  };
}

/** A frame over the rate limit is dropped; a connection that keeps flooding is closed. */
function dropped(state: RoomState, sender: Member, retryAfterMs: number, ctx: RoomContext, now: number): Transition {
  const drops = [...sender.drops.filter((t) => now - t < ctx.config.floodWindowMs), now].slice(-ctx.config.floodDrops);
  const updated = { ...sender, drops };
  const current = { ...state, members: state.members.map((m) => (m.id === sender.id ? updated : m)) };
  if (drops.length < ctx.config.floodDrops) {
    return {
      state: current,
      effects: [
        {
          kind: "send",
          to: sender.id,
          frame: errorFrame({ code: ErrorCode.rateLimited, message: "slow down", retryAfterMs }),
        },
      ],
    };
  }
  return chain(
    current,
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
}

function handle(state: RoomState, ctx: RoomContext, sender: Member, frame: ClientFrame, now: number): Transition {
  const answer = (f: ServerFrame): Transition => ({ state, effects: [{ kind: "send", to: sender.id, frame: f }] });
  switch (frame.type) {
    case ClientType.chatMessage: {
      const id = state.lastId + 1;
      const message = serverFrame(ServerType.chatMessage, {
        id,
        username: sender.username,
        message: frame.payload.message,
        ts: now,
      }) as HistoryFrame;
      return counted(state, sender, id, [
        { kind: "record", frame: message },
        { kind: "broadcast", frame: message },
      ]);
    }
    case ClientType.dm: {
      const recipient = findByName(state.members, frame.payload.to);
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
      return counted(state, sender, id, effects);
    }
    case ClientType.users:
      return answer(
        serverFrame(ServerType.users, {
          users: [...state.members]
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
          userCount: state.members.length,
        }),
      );
    case ClientType.help:
      return answer(serverFrame(ServerType.help, { commands: [...COMMANDS] }));
    case ClientType.ping:
      return answer(serverFrame(ServerType.pong, {}));
    case ClientType.quit:
      return chain(
        state,
        () => [{ kind: "close", to: sender.id, code: CloseCode.normal, reason: "bye" }],
        (s) => leave(s, ctx, sender, now),
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
): Transition {
  if (!operator.operator) {
    return reply(state, operator, { code: ErrorCode.notOperator, message: `only the room's operator can ${action}` });
  }
  const target = findByName(state.members, name);
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
      return chain(
        state,
        (s) =>
          notice(s, SystemEvent.kick, target.username, `${target.username} was kicked by ${operator.username}`, now),
        () => [{ kind: "close", to: target.id, code: CloseCode.kicked, reason: "kicked" }],
        (s) => without(s, ctx, target, now),
        log,
      );
    case "ban":
      if (!target) {
        return chain(
          state,
          () => [{ kind: "ban", username: name, session: null }],
          (s) => privateNotice(s, operator, name, `${name} is banned from this room`, now),
          log,
        );
      }
      return chain(
        state,
        () => [{ kind: "ban", username: target.username, session: target.session }],
        (s) =>
          notice(s, SystemEvent.ban, target.username, `${target.username} was banned by ${operator.username}`, now),
        () => [{ kind: "close", to: target.id, code: CloseCode.banned, reason: "banned" }],
        (s) => without(s, ctx, target, now),
        log,
      );
    case "unban":
      if (!ctx.isBanned(name, null)) {
        return reply(state, operator, { code: ErrorCode.notBanned, message: `${name} is not banned here` });
      }
      return chain(
        state,
        () => [{ kind: "unban", username: name }],
        (s) => privateNotice(s, operator, name, `${name} may join again`, now),
        log,
      );
  }
}

/** A sent message takes an id and counts toward the sender's statistics. */
function counted(state: RoomState, sender: Member, id: number, effects: Effect[]): Transition {
  const updated = { ...sender, messagesSent: sender.messagesSent + 1 };
  return {
    state: { ...state, lastId: id, members: state.members.map((m) => (m.id === sender.id ? updated : m)) },
    effects,
  };
}
