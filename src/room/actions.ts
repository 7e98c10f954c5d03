import {
  type ChatMessagePayload,
  type ClientPayloads,
  ErrorCode,
  type ErrorPayload,
  MAX_REACTIONS,
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
 * awareness around them (mentions, typing). An edit or a delete rewrites the
 * stored message, so replays and history pages show it as it stands, and is
 * broadcast as `messageUpdated`; a reaction is stored apart from the message
 * and broadcast as `reaction`, the change alone.
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
  const frame = serverFrame(ServerType.chatMessage, payload);
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
  // Reactions are stored apart from the message: the stored frame carries none.
  const { mentions: _, reactions: __, ...rest } = stored.payload;
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
): Handled {
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
  return {
    lastId: state.lastId,
    sender,
    effects: [
      { kind: "react", id, emoji, session: sender.session, username, on, at: now },
      { kind: "broadcast", frame },
      ...receipt(sender, conn, clientId, id, now),
    ],
  };
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
 * How much of a message is looked at for mentions: its first 10 `@` tokens,
 * the first one whatever its length, the others while lookups worth 150
 * characters last, each lookup counting 8 more and a character outside
 * ASCII counting 6 (folding it needs Unicode normalization). Each lookup
 * folds the token by look, which costs per character, so a message made of
 * hundreds of `@` tokens costs about what a plain one does, and any one
 * name, however long, can always be mentioned first.
 */
export const MENTION_TOKENS_MAX = 10;
export const MENTION_CHARS_MAX = 150;

/**
 * The people a message names with `@name`, as the room spells their names.
 * Names are matched as they are for uniqueness (by look, in any case); a
 * token may end in punctuation that is not part of the name (`@bob,`), so
 * it is tried without its trailing marks, and first as written and without
 * only its punctuation (`@x😀,`) where a name here could end in a mark or a
 * symbol. The scan is one pass over the text, each `@` looked at once.
 */
export function mentionsIn(text: string, roster: RosterView): string[] {
  const found: string[] = [];
  const tried = new Set<string>();
  let budget = MENTION_CHARS_MAX;
  let tokens = 0;
  for (let at = text.indexOf("@"); at >= 0 && tokens < MENTION_TOKENS_MAX; at = text.indexOf("@", at + 1)) {
    // `a@b` is an address, not a mention: the @ must start the text or follow something not part of a word.
    if (at > 0 && isWordChar(text, at - 1)) continue;
    const token = tokenAt(text, at + 1);
    if (token === "") continue;
    tokens++;
    if (tried.has(token)) continue;
    const bare = withoutMarks(token, MARK);
    const candidates = [
      ...new Set(
        bare === token ? [token] : roster.hasMarkEndedNames ? [token, withoutMarks(token, PUNCTUATION), bare] : [bare],
      ),
    ].filter((c) => c !== "");
    const cost = candidates.reduce((sum, c) => sum + foldingCost(c), 0);
    if (tried.size > 0 && cost > budget) continue;
    tried.add(token);
    budget -= cost;
    for (const candidate of candidates) {
      const member = roster.byName(candidate);
      if (!member) continue;
      if (!found.includes(member.username)) found.push(member.username);
      break;
    }
    if (budget <= 0) break;
  }
  return found;
}

/** Longest token after an `@`, in UTF-16 units: a name of 32 characters with some punctuation after it. */
const MENTION_TOKEN_MAX = 40;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const MARK = /[\p{P}\p{S}]/u;
const PUNCTUATION = /\p{P}/u;

/** Whether the character ending at `end` (a UTF-16 index) is a letter, digit or underscore. */
function isWordChar(text: string, end: number): boolean {
  const code = text.charCodeAt(end);
  if (code < 0x80)
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  const start = code >= 0xdc00 && code <= 0xdfff && end > 0 ? end - 1 : end;
  return WORD_CHAR.test(text.slice(start, end + 1));
}

/** JavaScript's `\s`, by code unit, without a regular expression per character. */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The run of characters from `start` up to whitespace, another `@`, or the token's length limit. */
function tokenAt(text: string, start: number): string {
  let end = start;
  while (end < text.length && end - start < MENTION_TOKEN_MAX) {
    const code = text.charCodeAt(end);
    if (code === 64 || isSpace(code)) break;
    end++;
  }
  return text.slice(start, end);
}

/** What folding a candidate by look costs, in ASCII characters' worth. */
function foldingCost(candidate: string): number {
  let cost = 8;
  for (let i = 0; i < candidate.length; i++) cost += candidate.charCodeAt(i) < 0x80 ? 1 : 6;
  return cost;
}

/** The token with its trailing marks (those `mark` matches) taken off. */
function withoutMarks(token: string, mark: RegExp): string {
  let end = token.length;
  while (end > 0) {
    const code = token.charCodeAt(end - 1);
    if (code < 0x80 && mark === MARK) {
      if (!isAsciiMark(code)) break;
      end--;
      continue;
    }
    // A character outside the Basic Multilingual Plane (an emoji) is two UTF-16 units.
    const width = code >= 0xdc00 && code <= 0xdfff && end > 1 ? 2 : 1;
    if (!mark.test(token.slice(end - width, end))) break;
    end -= width;
  }
  return token.slice(0, end);
}

/** ASCII punctuation and symbols: everything printable that is not a letter, a digit or a space. */
function isAsciiMark(code: number): boolean {
  return (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126)
  );
}
