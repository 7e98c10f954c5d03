import {
  type ClientFrame,
  ClientType,
  CloseCode,
  COMMANDS,
  clientIdOf,
  ErrorCode,
  parseClientFrame,
  type ServerFrame,
  ServerType,
  serverFrame,
  withClientId,
} from "../protocol";
import { edit, react, remove, typing } from "./actions";
import {
  chain,
  closeMember,
  type Effect,
  errorFrame,
  type RoomContext,
  type RoomState,
  type Transition,
} from "./effects";
import { leaveNotice, quit, rename, without } from "./membership";
import { chat, directMessage } from "./messages";
import { listBans, moderate } from "./moderation";
import { type Take, take } from "./rate-limit";
import { type Handled, reply } from "./replies";
import type { Member } from "./roster";

/**
 * The room's pure logic: platform events in, effects out. Nothing here
 * touches a socket, storage or the clock, so every rule of the room is
 * testable in plain Node and the Durable Object stays a thin shell.
 * Membership, messages and moderation each have their own module; this one
 * takes a raw frame from a connection and routes it.
 */

export * from "./effects";
export {
  disconnect,
  expire,
  idleDeadline,
  type JoinOutcome,
  type JoinRequest,
  join,
  nextDeadline,
} from "./membership";
export type { Member, RosterView } from "./roster";

/**
 * The frames that never count against the rate limit: typing notices, hints
 * sent as people type; `ping`, the heartbeat, which a client must be able to
 * send however much it has said; and `quit`, since leaving must never be
 * refused (it ends the connection, so it cannot flood). Short frames only,
 * so a big one is not parsed twice.
 */
type Unmetered = typeof ClientType.typing | typeof ClientType.ping | typeof ClientType.quit;
function unmetered(raw: string | ArrayBuffer): Unmetered | null {
  if (typeof raw !== "string" || raw.length > 64 || !/typing|ping|quit/i.test(raw)) return null;
  const parsed = parseClientFrame(raw);
  if (!parsed.ok) return null;
  const { type } = parsed.frame;
  return type === ClientType.typing || type === ClientType.ping || type === ClientType.quit ? type : null;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * Handles one raw frame from a connection: rate limit, size, parse, then
 * the frame itself. Every frame that is not acted on is answered with an error.
 */
export function receive(
  state: RoomState,
  ctx: RoomContext,
  conn: string,
  raw: string | ArrayBuffer,
  now: number,
): Transition {
  const found = state.roster.byConn(conn);
  if (!found) return { lastId: state.lastId, effects: [] };
  const free = unmetered(raw);
  if (free === ClientType.typing) {
    const passed = typing(state, found, now);
    const effects = passed.sender ? [...passed.effects, { kind: "update", member: passed.sender } as Effect] : [];
    return { lastId: state.lastId, effects };
  }
  const { config } = ctx;
  const taken: Take =
    free !== null
      ? { ok: true, bucket: found.bucket }
      : take(found.bucket, { burst: config.rateLimitBurst, perSecond: config.rateLimitPerSecond }, now);
  const sender: Member = { ...found, lastSeen: now, bucket: taken.bucket };

  let result: Handled;
  if (!taken.ok) {
    result = dropped(state, ctx, sender, conn, raw, taken.retryAfterMs, now);
  } else {
    const size = typeof raw === "string" ? (raw.length * 3 <= config.maxFrameBytes ? 0 : utf8Length(raw)) : 0;
    if (size > config.maxFrameBytes) {
      const error = { code: ErrorCode.tooLarge, message: `a frame is at most ${config.maxFrameBytes} bytes` };
      result = reply(state, sender, conn, error, clientIdOf(raw));
    } else {
      const parsed = parseClientFrame(raw, config.maxMessageLength);
      result = parsed.ok
        ? handle(state, ctx, sender, conn, parsed.frame, now)
        : reply(state, sender, conn, parsed.error);
    }
  }
  // The sender's counters, bucket and last-seen time go back into its attachments.
  const effects = result.sender
    ? [...result.effects, { kind: "update", member: result.sender } as Effect]
    : result.effects;
  return { lastId: result.lastId, effects };
}

/**
 * A frame over the rate limit is dropped and the sender told, with the
 * frame's `clientId` so a client can queue it; a connection that keeps
 * flooding is closed, and its member removed.
 */
function dropped(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  raw: string | ArrayBuffer,
  retryAfterMs: number,
  now: number,
): Handled {
  const drops = [...sender.drops.filter((t) => now - t < ctx.config.floodWindowMs), now].slice(-ctx.config.floodDrops);
  const updated = { ...sender, drops };
  const clientId = clientIdOf(raw);
  if (drops.length < ctx.config.floodDrops) {
    return {
      lastId: state.lastId,
      sender: updated,
      effects: [
        {
          kind: "send",
          to: conn,
          frame: errorFrame(
            withClientId({ code: ErrorCode.rateLimited, message: "slow down", retryAfterMs }, clientId),
          ),
        },
      ],
    };
  }
  const step = chain(
    state,
    () => [
      {
        kind: "send",
        to: conn,
        frame: errorFrame(
          withClientId(
            { code: ErrorCode.rateLimited, message: "too many messages; disconnected", retryAfterMs },
            clientId,
          ),
        ),
      },
      ...closeMember(updated, CloseCode.flooding, "flooding"),
    ],
    (s) => leaveNotice(s, ctx, updated, now),
    (s) => without(s, ctx, [updated], now),
    () => [{ kind: "log", entry: { event: "rate_limit_close", username: sender.username, drops: drops.length } }],
  );
  return { lastId: step.state.lastId, effects: step.effects, sender: null };
}

function handle(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  frame: ClientFrame,
  now: number,
): Handled {
  const answer = (f: ServerFrame): Handled => ({
    lastId: state.lastId,
    sender,
    effects: [{ kind: "send", to: conn, frame: f }],
  });
  switch (frame.type) {
    case ClientType.chatMessage:
      return chat(state, ctx, sender, conn, frame.payload, now);
    case ClientType.edit:
      return edit(state, ctx, sender, conn, frame.payload, now);
    case ClientType.delete:
      return remove(state, ctx, sender, conn, frame.payload, now);
    case ClientType.react:
      return react(state, ctx, sender, conn, frame.payload, now);
    case ClientType.typing:
      return typing(state, sender, now);
    case ClientType.dm:
      return directMessage(state, ctx, sender, conn, frame.payload, now);
    case ClientType.users:
      return { lastId: state.lastId, sender, effects: [{ kind: "users", to: conn, ...frame.payload }] };
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
    case ClientType.quit: {
      // `quit` itself updates a member that other tabs keep, without this connection.
      const step = quit(state, ctx, conn, now);
      return { lastId: step.state.lastId, effects: step.effects, sender: null };
    }
    case ClientType.kick:
    case ClientType.unban:
      return moderate(state, ctx, sender, conn, frame.type, frame.payload.username, now);
    case ClientType.ban:
      return moderate(state, ctx, sender, conn, frame.type, frame.payload.username, now, frame.payload.minutes);
    case ClientType.bans:
      return listBans(state, ctx, sender, conn);
    case ClientType.nick:
      return rename(state, ctx, sender, conn, frame.payload.username, now);
  }
}
