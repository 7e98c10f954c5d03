import {
  type ChatMessagePayload,
  type ClientPayloads,
  ErrorCode,
  MAX_REACTIONS,
  type ServerFrame,
  ServerType,
  serverFrame,
} from "../../protocol";
import { passage, toEveryone, youBlocked } from "./conversation";
import type { Effect } from "./effects";
import { mentionsIn } from "./mentions";
import { keeping, type Outcome } from "./outcome";
import { duplicate, noSuchMessage, receipt, reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState, StoredMessage } from "./state";

/**
 * What people do to messages already sent: edit, delete, react. An edit or a
 * delete rewrites the stored message, so replays and history pages show it as
 * it stands, and is broadcast as `messageUpdated`; a reaction is stored apart
 * from the message and broadcast as `reaction`, the change alone.
 */

/** The message as stored now, and the update everyone is sent, acked to the sender. */
function revised(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  payload: ChatMessagePayload,
  update: ServerFrame,
  clientId: string | undefined,
  now: number,
): Effect[] {
  const frame = serverFrame(ServerType.chatMessage, payload);
  return [
    { kind: "revise", frame },
    ...toEveryone(state, ctx, sender, update),
    ...receipt(sender, conn, clientId, payload.id, now),
  ];
}

/**
 * The live message an action is about, or what to answer instead: the
 * original ack for a resend, `blocked` for a blocker's edit or reaction, or
 * `bad_message` for a message that is not here or was deleted. A blocker may
 * still delete: taking one's own words back reaches nobody new.
 */
function target(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  id: number,
  clientId: string | undefined,
  action: "change" | "delete" = "change",
): { stored: StoredMessage } | { answer: Outcome } {
  const again = duplicate(state, ctx, sender, conn, clientId);
  if (again) return { answer: again };
  if (action === "change" && passage(ctx, sender) === "blocker") {
    return { answer: reply(state, sender, conn, youBlocked(), clientId) };
  }
  const stored = ctx.findMessage(id);
  if (!stored || stored.payload.deleted) return { answer: reply(state, sender, conn, noSuchMessage(id), clientId) };
  return { stored };
}

export function edit(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  { id, message, clientId }: ClientPayloads["edit"],
  now: number,
): Outcome {
  const found = target(state, ctx, sender, conn, id, clientId);
  if ("answer" in found) return found.answer;
  const { stored } = found;
  if (stored.author !== sender.session) {
    return reply(
      state,
      sender,
      conn,
      { code: ErrorCode.notAllowed, message: "only its author can edit a message" },
      clientId,
    );
  }
  if (message === "" && stored.payload.attachments === undefined) {
    return reply(state, sender, conn, { code: ErrorCode.badMessage, message: "a message cannot be empty" }, clientId);
  }
  const mentions = mentionsIn(message, state.roster);
  // Reactions are stored apart from the message: the stored frame carries none.
  const { mentions: _, reactions: __, ...rest } = stored.payload;
  const payload: ChatMessagePayload = { ...rest, message, editedAt: now, ...(mentions.length ? { mentions } : {}) };
  const update = serverFrame(ServerType.messageUpdated, { id, message, editedAt: now });
  return keeping(sender, { state, effects: revised(state, ctx, sender, conn, payload, update, clientId, now) });
}

export function deleteMessage(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  { id, clientId }: ClientPayloads["delete"],
  now: number,
): Outcome {
  const found = target(state, ctx, sender, conn, id, clientId, "delete");
  if ("answer" in found) return found.answer;
  const { stored } = found;
  if (stored.author !== sender.session && !sender.operator) {
    const error = {
      code: ErrorCode.notAllowed,
      message: "only its author or the room's operator can delete a message",
    };
    return reply(state, sender, conn, error, clientId);
  }
  // The text, its mentions and its reactions go; who wrote it, when, and what it answered stay
  // (the author's id too: a block goes on withholding a message its author deleted).
  const { id: _, username, ts, replyTo, authorId, verified } = stored.payload;
  const payload: ChatMessagePayload = {
    id,
    username,
    message: "",
    ts,
    ...(replyTo === undefined ? {} : { replyTo }),
    ...(authorId === undefined ? {} : { authorId }),
    ...(verified === undefined ? {} : { verified }),
    deleted: true,
  };
  const update = serverFrame(ServerType.messageUpdated, { id, deleted: true });
  const effects = revised(state, ctx, sender, conn, payload, update, clientId, now);
  // Its files go with it: from the room's record and from R2.
  if (stored.payload.attachments !== undefined) effects.push({ kind: "deleteFiles", messageId: id });
  effects.push({ kind: "log", entry: { event: "delete", username: sender.username, author: username } });
  return keeping(sender, { state, effects });
}

/**
 * Toggles the sender's reaction. Reactions belong to the session that made
 * them, so someone who later takes a departed person's name adds their own
 * rather than taking that person's back; everyone is told the change alone,
 * under the name the reaction was made with.
 */
export function react(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  { id, emoji, clientId }: ClientPayloads["react"],
  now: number,
): Outcome {
  const found = target(state, ctx, sender, conn, id, clientId);
  if ("answer" in found) return found.answer;
  const { mine, present, distinct } = ctx.reactionOf(id, emoji, sender.session);
  if (mine === null && !present && distinct >= MAX_REACTIONS) {
    const error = {
      code: ErrorCode.badMessage,
      message: `a message holds at most ${MAX_REACTIONS} different reactions`,
    };
    return reply(state, sender, conn, error, clientId);
  }
  const on = mine === null;
  const username = mine ?? sender.username;
  const frame = serverFrame(ServerType.reaction, { id, emoji, username, on });
  return keeping(sender, {
    state,
    effects: [
      { kind: "react", id, emoji, session: sender.session, username, on, at: now },
      ...toEveryone(state, ctx, sender, frame),
      ...receipt(sender, conn, clientId, id, now),
    ],
  });
}
