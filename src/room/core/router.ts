import {
  type ClientFrame,
  ClientType,
  CloseCode,
  COMMANDS,
  clientIdOf,
  ErrorCode,
  parseClientFrame,
  ServerType,
  serverFrame,
  withClientId,
} from "../../protocol";
import { closeMember } from "./effects";
import { errorFrame } from "./frames";
import { leaveNotice, quit, settleDepartures } from "./leave";
import { setListed } from "./listing";
import { deleteMessage, edit, react } from "./message-revisions";
import { chat, deliverDm } from "./messages";
import { listBans, moderate } from "./moderation";
import { rename } from "./nick";
import { chain, type Outcome, unchanged } from "./outcome";
import { appoint, own } from "./ownership";
import { askForUsers } from "./people-pages";
import { type Take, take } from "./rate-limit";
import { answer, reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";
import { setTopic } from "./topic";
import { typing } from "./typing";
import { grantUploadSlot } from "./uploads";

/**
 * The frame router: a raw frame from a connection, checked (rate limit,
 * size, parse) and handed to the handler of its kind. Every frame that is not
 * acted on is answered with an error.
 */

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
): Outcome {
  const found = state.roster.byConn(conn);
  if (!found) return unchanged(state);
  const free = unmetered(raw);
  if (free === ClientType.typing) return typing(state, ctx, found, now);
  const { config } = ctx;
  const taken: Take =
    free !== null
      ? { ok: true, bucket: found.bucket }
      : take(found.bucket, { burst: config.rateLimitBurst, perSecond: config.rateLimitPerSecond }, now);
  // The sender's counters, bucket and last-seen time go back into its attachments: each handler's
  // outcome ends by keeping the sender, unless the frame ended its membership.
  const sender: Member = { ...found, lastSeen: now, bucket: taken.bucket };
  if (!taken.ok) return dropped(state, ctx, sender, conn, raw, taken.retryAfterMs, now);
  const size = typeof raw === "string" ? (raw.length * 3 <= config.maxFrameBytes ? 0 : utf8Length(raw)) : 0;
  if (size > config.maxFrameBytes) {
    const error = { code: ErrorCode.tooLarge, message: `a frame is at most ${config.maxFrameBytes} bytes` };
    return reply(state, sender, conn, error, clientIdOf(raw));
  }
  const parsed = parseClientFrame(raw, config.maxMessageLength);
  return parsed.ok ? handle(state, ctx, sender, conn, parsed.frame, now) : reply(state, sender, conn, parsed.error);
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
): Outcome {
  const drops = [...sender.drops.filter((t) => now - t < ctx.config.floodWindowMs), now].slice(-ctx.config.floodDrops);
  const updated = { ...sender, drops };
  const clientId = clientIdOf(raw);
  if (drops.length < ctx.config.floodDrops) {
    const slowDown = { code: ErrorCode.rateLimited, message: "slow down", retryAfterMs };
    return answer(state, updated, conn, errorFrame(withClientId(slowDown, clientId)));
  }
  return chain(
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
    (s) => settleDepartures(s, ctx, [updated], now),
    () => [{ kind: "log", entry: { event: "rate_limit_close", username: sender.username, drops: drops.length } }],
  );
}

function handle(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  frame: ClientFrame,
  now: number,
): Outcome {
  switch (frame.type) {
    case ClientType.chatMessage:
      return chat(state, ctx, sender, conn, frame.payload, now);
    case ClientType.edit:
      return edit(state, ctx, sender, conn, frame.payload, now);
    case ClientType.delete:
      return deleteMessage(state, ctx, sender, conn, frame.payload, now);
    case ClientType.react:
      return react(state, ctx, sender, conn, frame.payload, now);
    case ClientType.typing:
      return typing(state, ctx, sender, now);
    case ClientType.dm:
      return deliverDm(state, ctx, sender, conn, frame.payload, now);
    case ClientType.users:
      return askForUsers(state, sender, conn, frame.payload);
    case ClientType.stats:
      return answer(
        state,
        sender,
        conn,
        serverFrame(ServerType.stats, {
          username: sender.username,
          room: state.room,
          messagesSent: sender.messagesSent,
          connectedAt: sender.connectedAt,
          userCount: state.roster.size,
        }),
      );
    case ClientType.help:
      return answer(state, sender, conn, serverFrame(ServerType.help, { commands: [...COMMANDS] }));
    case ClientType.ping:
      return answer(state, sender, conn, serverFrame(ServerType.pong, {}));
    case ClientType.quit:
      // `quit` itself updates a member that other tabs keep, without this connection.
      return quit(state, ctx, conn, now);
    case ClientType.kick:
    case ClientType.unban:
      return moderate(state, ctx, sender, conn, frame.type, frame.payload.username, now);
    case ClientType.ban:
      return moderate(state, ctx, sender, conn, frame.type, frame.payload.username, now, frame.payload.minutes);
    case ClientType.bans:
      return listBans(state, ctx, sender, conn);
    case ClientType.nick:
      return rename(state, ctx, sender, conn, frame.payload.username, now);
    case ClientType.own:
      return own(state, ctx, sender, conn, now);
    case ClientType.op:
    case ClientType.deop:
      return appoint(state, ctx, sender, conn, frame.payload.username, frame.type === ClientType.op, now);
    case ClientType.topic:
      return setTopic(state, ctx, sender, conn, frame.payload.topic, now);
    case ClientType.list:
    case ClientType.unlist:
      return setListed(state, ctx, sender, conn, frame.type === ClientType.list, now);
    case ClientType.uploadSlot:
      return grantUploadSlot(state, ctx, sender, conn, frame.payload, now);
  }
}
