import { type ClientPayloads, ErrorCode, type ErrorPayload, ServerType, serverFrame } from "../../protocol";
import { listsToTell, passage, toEveryone, youBlocked } from "./conversation";
import { type Effect, toMember } from "./effects";
import { mentionsIn } from "./mentions";
import type { Outcome } from "./outcome";
import { accountIdOf } from "./ownership";
import { duplicate, noSuchMessage, receipt, reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";
import { attachmentsOf } from "./uploads";

/**
 * Chat messages and DMs: ids, delivery, and the at-most-once rule for sends
 * that carry a `clientId`. The sender's connection gets `ack` after its own
 * copy of the message, or the original ack again (`duplicate`) for a resend.
 */

/** A sent message takes an id and counts toward the sender's statistics. */
function counted(state: RoomState, sender: Member, id: number, effects: Effect[]): Outcome {
  effects.push({ kind: "update", member: { ...sender, messagesSent: sender.messagesSent + 1 } });
  return { state: { ...state, lastId: id }, effects };
}

export function chat(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  payload: ClientPayloads["chatMessage"],
  now: number,
): Outcome {
  const again = duplicate(state, ctx, sender, conn, payload.clientId);
  if (again) return again;
  const way = passage(ctx, sender);
  if (way === "blocker") return reply(state, sender, conn, youBlocked(), payload.clientId);
  const badReply = checkReplyTo(ctx, payload.replyTo);
  if (badReply) return reply(state, sender, conn, badReply, payload.clientId);
  const attached = attachmentsOf(ctx, sender, payload.attachments ?? [], now);
  if (!attached.ok) return reply(state, sender, conn, attached.error, payload.clientId);
  const id = state.lastId + 1;
  const mentions = mentionsIn(payload.message, state.roster);
  const message = serverFrame(ServerType.chatMessage, {
    id,
    username: sender.username,
    message: payload.message,
    ts: now,
    ...(payload.replyTo === undefined ? {} : { replyTo: payload.replyTo }),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...authorship(sender),
    ...(attached.files.length > 0 ? { attachments: attached.files } : {}),
  });
  const lists = listsToTell(ctx, sender);
  return counted(state, sender, id, [
    { kind: "record", frame: message, author: sender.session },
    ...(attached.ids.length > 0 ? [{ kind: "attachFiles", messageId: id, ids: attached.ids } as const] : []),
    // Someone who blocked the sender is never sent it, now or later (see `unseen`).
    ...toEveryone(state, ctx, sender, message),
    ...(lists.length === 0 ? [] : [tellAccounts(sender, lists, id, now)]),
    ...receipt(sender, conn, payload.clientId, id, now),
  ]);
}

/** A conversation moved: the lists of conversations of `to` learn who wrote, and when. */
function tellAccounts(sender: Member, to: readonly string[], id: number, now: number): Effect {
  return { kind: "tellAccounts", to, from: accountIdOf(sender) ?? "", id, ts: now };
}

/**
 * A DM reaches every tab of both parties and is stored for the two of them,
 * so a recipient who is away gets it on coming back, and either party gets it
 * again on resume.
 */
export function deliverDm(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  payload: ClientPayloads["dm"],
  now: number,
): Outcome {
  const again = duplicate(state, ctx, sender, conn, payload.clientId);
  if (again) return again;
  if (ctx.conversation !== null) {
    const error: ErrorPayload = { code: ErrorCode.notAllowed, message: "this conversation is already private" };
    return reply(state, sender, conn, error, payload.clientId);
  }
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
    ...(sender.verified ? { verified: true as const } : {}),
  });
  const effects: Effect[] = [
    { kind: "recordDm", frame: dm, from: sender.session, to: recipient.session },
    ...toMember(recipient, dm),
  ];
  if (recipient.session !== sender.session) effects.push(...toMember(sender, dm));
  return counted(state, sender, id, [...effects, ...receipt(sender, conn, payload.clientId, id, now)]);
}

/** Who wrote a message, as everyone may see it: the author id, and the mark when signed in. */
function authorship(sender: Member): { authorId?: string; verified?: true } {
  const id = sender.author === "" ? {} : { authorId: sender.author };
  return sender.verified ? { ...id, verified: true } : id;
}

/** A reply must answer a chat message that is here and not deleted. */
export function checkReplyTo(ctx: RoomContext, replyTo: number | undefined): ErrorPayload | null {
  if (replyTo === undefined) return null;
  const stored = ctx.findMessage(replyTo);
  return stored && !stored.payload.deleted ? null : noSuchMessage(replyTo);
}
