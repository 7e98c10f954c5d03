import {
  type ChatMessagePayload,
  type ClientPayloads,
  ErrorCode,
  type ErrorPayload,
  type HistoryFrame,
  MAX_REACTIONS,
  type Reactions,
  ServerType,
  serverFrame,
  TYPING_INTERVAL_MS,
  TYPING_MAX_ROOM,
} from "../protocol";
import type { Effect, RoomContext, RoomState } from "./effects";
import { duplicate, type Handled, receipt, reply } from "./messages";
import type { Member, RosterView } from "./roster";

/**
 * What people do to messages already sent (edit, delete, react) and the
 * awareness around them (mentions, typing). Every change rewrites the stored
 * message, so replays and history pages show it as it stands, and is
 * broadcast as `messageUpdated`.
 */

/** A stored chat message and the session that wrote it (null for messages from before sessions were kept). */
export interface StoredMessage {
  payload: ChatMessagePayload;
  author: string | null;
}

const gone = (id: number): ErrorPayload => ({ code: ErrorCode.badMessage, message: `there is no message ${id} here` });

/** The message as stored now, and the update everyone is sent, acked to the sender. */
function revised(
  state: RoomState,
  sender: Member,
  conn: string,
  payload: ChatMessagePayload,
  update: Extract<Effect, { kind: "broadcast" }>["frame"],
  clientId: string | undefined,
  now: number,
): Handled {
  const frame = serverFrame(ServerType.chatMessage, payload) as HistoryFrame;
  return {
    lastId: state.lastId,
    sender,
    effects: [
      { kind: "revise", frame },
      { kind: "broadcast", frame: update },
      ...receipt(sender, conn, clientId, payload.id, now),
    ],
  };
}

/**
 * The live message an action is about, or what to answer instead: the
 * original ack for a resend, or `bad_message` for a message that is not here
 * or was deleted.
 */
function target(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  id: number,
  clientId: string | undefined,
): { stored: StoredMessage } | { answer: Handled } {
  const again = duplicate(state, ctx, sender, conn, clientId);
  if (again) return { answer: again };
  const stored = ctx.findMessage(id);
  if (!stored || stored.payload.deleted) return { answer: reply(state, sender, conn, gone(id), clientId) };
  return { stored };
}

export function edit(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  { id, message, clientId }: ClientPayloads["edit"],
  now: number,
): Handled {
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
  const mentions = mentionsIn(message, state.roster);
  const { mentions: _, ...rest } = stored.payload;
  const payload: ChatMessagePayload = { ...rest, message, editedAt: now, ...(mentions.length ? { mentions } : {}) };
  const update = serverFrame(ServerType.messageUpdated, { id, message, editedAt: now });
  return revised(state, sender, conn, payload, update, clientId, now);
}

export function remove(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  { id, clientId }: ClientPayloads["delete"],
  now: number,
): Handled {
  const found = target(state, ctx, sender, conn, id, clientId);
  if ("answer" in found) return found.answer;
  const { stored } = found;
  if (stored.author !== sender.session && !sender.operator) {
    const error = {
      code: ErrorCode.notAllowed,
      message: "only its author or the room's operator can delete a message",
    };
    return reply(state, sender, conn, error, clientId);
  }
  // The text, its mentions and its reactions go; who wrote it, when, and what it answered stay.
  const { id: _, username, ts, replyTo } = stored.payload;
  const payload: ChatMessagePayload = {
    id,
    username,
    message: "",
    ts,
    ...(replyTo === undefined ? {} : { replyTo }),
    deleted: true,
  };
  const update = serverFrame(ServerType.messageUpdated, { id, deleted: true });
  const done = revised(state, sender, conn, payload, update, clientId, now);
  const log: Effect = { kind: "log", entry: { event: "delete", username: sender.username, author: username } };
  return { ...done, effects: [...done.effects, log] };
}

export function react(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  { id, emoji, clientId }: ClientPayloads["react"],
  now: number,
): Handled {
  const found = target(state, ctx, sender, conn, id, clientId);
  if ("answer" in found) return found.answer;
  const { stored } = found;
  const current: Reactions = stored.payload.reactions ?? {};
  const names = current[emoji] ?? [];
  const mine = names.includes(sender.username);
  if (!mine && names.length === 0 && Object.keys(current).length >= MAX_REACTIONS) {
    const error = {
      code: ErrorCode.badMessage,
      message: `a message holds at most ${MAX_REACTIONS} different reactions`,
    };
    return reply(state, sender, conn, error, clientId);
  }
  // Object keys keep the order they were first added in: the order each emoji was first used.
  const reactions: Reactions = {};
  for (const [key, who] of Object.entries(current)) {
    const next = key === emoji ? (mine ? who.filter((n) => n !== sender.username) : [...who, sender.username]) : who;
    if (next.length > 0) reactions[key] = next;
  }
  if (!mine && names.length === 0) reactions[emoji] = [sender.username];
  const { reactions: _, ...rest } = stored.payload;
  const payload: ChatMessagePayload = { ...rest, ...(Object.keys(reactions).length ? { reactions } : {}) };
  const update = serverFrame(ServerType.messageUpdated, { id, reactions });
  return revised(state, sender, conn, payload, update, clientId, now);
}

/**
 * `typing`: passed on to everyone else at most once per interval per member,
 * and not at all in a crowd. Extra notices are dropped without an answer:
 * they are hints, and clients send them as people type.
 */
export function typing(state: RoomState, sender: Member, now: number): Handled {
  const quiet: Handled = { lastId: state.lastId, sender: null, effects: [] };
  if (state.roster.size > TYPING_MAX_ROOM) return quiet;
  if (sender.typingAt !== undefined && now - sender.typingAt < TYPING_INTERVAL_MS) return quiet;
  const frame = serverFrame(ServerType.typing, { username: sender.username });
  return {
    lastId: state.lastId,
    sender: { ...sender, typingAt: now },
    effects: [{ kind: "broadcast", frame, except: sender.conns }],
  };
}

/** A reply must answer a chat message that is here and not deleted. */
export function checkReplyTo(ctx: RoomContext, replyTo: number | undefined): ErrorPayload | null {
  if (replyTo === undefined) return null;
  const stored = ctx.findMessage(replyTo);
  return stored && !stored.payload.deleted ? null : gone(replyTo);
}

/**
 * The people a message names with `@name`, as the room spells their names.
 * Names are matched as they are for uniqueness (by look, in any case); a
 * token may end in punctuation that is not part of the name (`@bob,`).
 */
export function mentionsIn(text: string, roster: RosterView): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|[^\p{L}\p{N}_])@([^\s@]{1,40})/gu)) {
    let token = match[1] ?? "";
    while (token.length > 0) {
      const member = roster.byName(token);
      if (member) {
        if (!found.includes(member.username)) found.push(member.username);
        break;
      }
      const trimmed = token.replace(/[\p{P}\p{S}]$/u, "");
      if (trimmed === token) break;
      token = trimmed;
    }
  }
  return found;
}
