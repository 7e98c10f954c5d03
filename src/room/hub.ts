import {
  anonymousName,
  type ClientFrame,
  ClientType,
  CloseCode,
  COMMANDS,
  checkUsername,
  ErrorCode,
  type HistoryFrame,
  isSessionId,
  MAX_HISTORY,
  MAX_MESSAGE_LENGTH,
  nameKey,
  type ParseResult,
  type ProtocolError,
  type ServerFrame,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../protocol";

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
}

export interface RoomState {
  room: string;
  /** Highest message id handed out so far; ids only grow. */
  lastId: number;
  /** Open, joined connections. */
  members: readonly Member[];
}

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
  | { kind: "update"; member: Member };

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
  | { ok: false; error: ProtocolError; closeCode: number };

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

function errorFrame(error: ProtocolError): ServerFrame {
  return serverFrame(ServerType.error, error);
}

/** Allocates the next id and builds a system notice that is recorded and broadcast. */
function notice(
  state: RoomState,
  event: SystemEvent,
  username: string,
  text: string,
  now: number,
): { lastId: number; effects: Effect[] } {
  const id = state.lastId + 1;
  const frame = serverFrame(ServerType.system, { id, text, ts: now, event, username }) as HistoryFrame;
  return {
    lastId: id,
    effects: [
      { kind: "record", frame },
      { kind: "broadcast", frame },
    ],
  };
}

function userCount(members: readonly Member[]): Effect {
  return { kind: "broadcast", frame: serverFrame(ServerType.userCount, { count: members.length }) };
}

/**
 * Decides whether a connection may join and under which name. The server is
 * authoritative: a blank name becomes `Anon_HHmmss`, a taken name is refused
 * unless the same session holds it (a reload or second tab takes it over).
 */
export function join(state: RoomState, request: JoinRequest, now: number): JoinOutcome {
  if (request.session !== null && !isSessionId(request.session)) {
    return {
      ok: false,
      error: { code: ErrorCode.badSession, message: "session must be 8-64 characters of A-Z a-z 0-9 _ -" },
      closeCode: CloseCode.badRequest,
    };
  }
  const session = request.session ?? request.newSession;
  const requested = request.username?.trim() ?? "";
  let username: string;
  if (requested === "") {
    username = freeAnonymousName(state.members, now);
  } else {
    const check = checkUsername(requested);
    if (!check.ok) {
      return {
        ok: false,
        error: { code: ErrorCode.badUsername, message: check.reason },
        closeCode: CloseCode.badRequest,
      };
    }
    username = check.username;
  }

  const holder = findByName(state.members, username);
  if (holder && holder.session !== session) {
    return {
      ok: false,
      error: { code: ErrorCode.usernameTaken, message: `the name ${username} is taken in this room` },
      closeCode: CloseCode.usernameTaken,
    };
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
  };
  const members = [...others, member];
  const effects: Effect[] = [];
  if (holder) {
    effects.push({ kind: "close", to: holder.id, code: CloseCode.replaced, reason: "replaced by a newer connection" });
  }
  effects.push(
    {
      kind: "send",
      to: member.id,
      frame: serverFrame(ServerType.welcome, {
        username: member.username,
        session,
        room: state.room,
        operator: member.operator,
        limits: { maxMessageLength: MAX_MESSAGE_LENGTH, maxHistory: MAX_HISTORY },
      }),
    },
    { kind: "replay", to: member.id, since: request.since },
  );
  let lastId = state.lastId;
  // A takeover is the same person coming back: no join or leave notice.
  if (!holder) {
    const joined = notice(state, SystemEvent.join, member.username, `${member.username} joined`, now);
    lastId = joined.lastId;
    effects.push(...joined.effects);
  }
  effects.push(userCount(members));
  return { ok: true, member, transition: { state: { ...state, lastId, members }, effects } };
}

/**
 * Removes a member who has gone (closed, quit, errored) and tells the room.
 * If they ran the room, the longest-connected remaining member takes over.
 */
export function leave(
  state: RoomState,
  leaver: Member,
  now: number,
  event: SystemEvent = SystemEvent.leave,
  text = `${leaver.username} left`,
): Transition {
  const members = state.members.filter((m) => m.id !== leaver.id);
  const left = notice(state, event, leaver.username, text, now);
  const effects = [...left.effects, userCount(members)];
  let next: RoomState = { ...state, lastId: left.lastId, members };
  if (leaver.operator && members.length > 0 && !members.some((m) => m.operator)) {
    const heir = members.reduce((a, b) => (b.connectedAt < a.connectedAt ? b : a));
    const promoted = { ...heir, operator: true };
    const announced = notice(next, SystemEvent.operator, heir.username, `${heir.username} now runs the room`, now);
    next = {
      ...next,
      lastId: announced.lastId,
      members: members.map((m) => (m.id === heir.id ? promoted : m)),
    };
    effects.push({ kind: "update", member: promoted }, ...announced.effects);
  }
  return { state: next, effects };
}

/** Handles one parsed frame from a joined member. */
export function receive(state: RoomState, senderId: string, parsed: ParseResult, now: number): Transition {
  const sender = state.members.find((m) => m.id === senderId);
  if (!sender) return { state, effects: [] };
  if (!parsed.ok) return { state, effects: [{ kind: "send", to: senderId, frame: errorFrame(parsed.error) }] };
  return handle(state, sender, parsed.frame, now);
}

function handle(state: RoomState, sender: Member, frame: ClientFrame, now: number): Transition {
  const reply = (f: ServerFrame): Transition => ({ state, effects: [{ kind: "send", to: sender.id, frame: f }] });
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
        return reply(errorFrame({ code: ErrorCode.noSuchUser, message: `nobody called ${frame.payload.to} is here` }));
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
      return reply(
        serverFrame(ServerType.users, {
          users: [...state.members]
            .sort((a, b) => a.connectedAt - b.connectedAt)
            .map((m) => ({ username: m.username, operator: m.operator, since: m.connectedAt })),
        }),
      );
    case ClientType.stats:
      return reply(
        serverFrame(ServerType.stats, {
          username: sender.username,
          room: state.room,
          messagesSent: sender.messagesSent,
          connectedAt: sender.connectedAt,
          userCount: state.members.length,
        }),
      );
    case ClientType.help:
      return reply(serverFrame(ServerType.help, { commands: [...COMMANDS] }));
    case ClientType.ping:
      return reply(serverFrame(ServerType.pong, {}));
    case ClientType.quit: {
      const left = leave(state, sender, now);
      return {
        state: left.state,
        effects: [{ kind: "close", to: sender.id, code: CloseCode.normal, reason: "bye" }, ...left.effects],
      };
    }
  }
}

/** Applies a sent message: the id is taken and the sender's counter goes up. */
function counted(state: RoomState, sender: Member, id: number, effects: Effect[]): Transition {
  const updated = { ...sender, messagesSent: sender.messagesSent + 1 };
  return {
    state: { ...state, lastId: id, members: state.members.map((m) => (m.id === sender.id ? updated : m)) },
    effects: [...effects, { kind: "update", member: updated }],
  };
}
