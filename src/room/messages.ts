import { type ClientPayloads, ErrorCode, type ErrorPayload, ServerType, serverFrame, withClientId } from "../protocol";
import { checkReplyTo, mentionsIn } from "./actions";
import { type Effect, errorFrame, type RoomContext, type RoomState, toMember } from "./effects";
import type { Member } from "./roster";

/**
 * Chat messages and DMs: ids, delivery, and the at-most-once rule for sends
 * that carry a `clientId`. The sender's connection gets `ack` after its own
 * copy of the message, or the original ack again (`duplicate`) for a resend.
 */

/** What handling one frame did: the sender as it is now (null once gone), and the effects. */
export interface Handled {
  lastId: number;
  effects: Effect[];
  sender: Member | null;
}

/** An error back to the connection that sent the frame, naming the frame's `clientId` when it had one. */
export function reply(state: RoomState, sender: Member, conn: string, error: ErrorPayload, clientId?: string): Handled {
  return {
    lastId: state.lastId,
    sender,
    effects: [
      { kind: "send", to: conn, frame: errorFrame(withClientId(error, clientId)) },
      { kind: "log", entry: { event: "frame_error", username: sender.username, code: error.code } },
    ],
  };
}

/** A resend of something already delivered: the original id, and nothing delivered again. */
export function duplicate(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  clientId: string | undefined,
) {
  if (clientId === undefined) return null;
  const sent = ctx.findSent(sender.session, clientId);
  if (!sent) return null;
  const ack = serverFrame(ServerType.ack, { clientId, id: sent.id, ts: sent.ts, duplicate: true });
  return { lastId: state.lastId, sender, effects: [{ kind: "send", to: conn, frame: ack }] } satisfies Handled;
}

/** The sender's receipt: remembered for resends, then acked on the connection it came from. */
export function receipt(sender: Member, conn: string, clientId: string | undefined, id: number, ts: number): Effect[] {
  if (clientId === undefined) return [];
  return [
    { kind: "remember", session: sender.session, clientId, id, ts },
    { kind: "send", to: conn, frame: serverFrame(ServerType.ack, { clientId, id, ts }) },
  ];
}

/** A sent message takes an id and counts toward the sender's statistics. */
function counted(sender: Member, id: number, effects: Effect[]): Handled {
  return { lastId: id, sender: { ...sender, messagesSent: sender.messagesSent + 1 }, effects };
}

export function chat(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  payload: ClientPayloads["chatMessage"],
  now: number,
): Handled {
  const again = duplicate(state, ctx, sender, conn, payload.clientId);
  if (again) return again;
  const badReply = checkReplyTo(ctx, payload.replyTo);
  if (badReply) return reply(state, sender, conn, badReply, payload.clientId);
  const id = state.lastId + 1;
  const mentions = mentionsIn(payload.message, state.roster);
  const message = serverFrame(ServerType.chatMessage, {
    id,
    username: sender.username,
    message: payload.message,
    ts: now,
    ...(payload.replyTo === undefined ? {} : { replyTo: payload.replyTo }),
    ...(mentions.length > 0 ? { mentions } : {}),
  });
  return counted(sender, id, [
    { kind: "record", frame: message, author: sender.session },
    { kind: "broadcast", frame: message },
    ...receipt(sender, conn, payload.clientId, id, now),
  ]);
}

/**
 * A DM reaches every tab of both parties and is stored for the two of them,
 * so a recipient who is away gets it on coming back, and either party gets it
 * again on resume.
 */
export function directMessage(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  payload: ClientPayloads["dm"],
  now: number,
): Handled {
  const again = duplicate(state, ctx, sender, conn, payload.clientId);
  if (again) return again;
  const recipient = state.roster.byName(payload.to);
  if (!recipient) {
    const error: ErrorPayload = { code: ErrorCode.noSuchUser, message: `nobody called ${payload.to} is here` };
    return reply(state, sender, conn, error, payload.clientId);
  }
  const id = state.lastId + 1;
  const dm = serverFrame(ServerType.dm, {
    id,
    from: sender.username,
    to: recipient.username,
    message: payload.message,
    ts: now,
  });
  const effects: Effect[] = [
    { kind: "recordDm", frame: dm, from: sender.session, to: recipient.session },
    ...toMember(recipient, dm),
  ];
  if (recipient.session !== sender.session) effects.push(...toMember(sender, dm));
  return counted(sender, id, [...effects, ...receipt(sender, conn, payload.clientId, id, now)]);
}
