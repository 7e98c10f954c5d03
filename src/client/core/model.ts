import {
  type ChatMessagePayload,
  type FileRef,
  type HistoryFrame,
  nameKey,
  type Reactions,
  type ReplayFrame,
  type ServerFrame,
  type ServerPayloads,
  ServerType,
  SystemEvent,
  type UserSummary,
  withReaction,
} from "../../protocol";
import { localTime } from "./dates";
import { helpRows } from "./help";

/**
 * What the chat view shows, and how each server frame changes it. Pure, so
 * the rules (no duplicates after a resume, a user list kept right through
 * joins, leaves and kicks) are tested without a browser.
 */

export type Line =
  | MessageLine
  | { kind: "system"; id: number; event: string; username: string; text: string; ts: number; verified: boolean }
  | { kind: "dm"; id: number; from: string; to: string; text: string; ts: number; own: boolean; verified: boolean }
  /** A reply to a command (users, stats, help), shown to this person only. */
  | { kind: "info"; id: null; title: string; rows: string[]; ts: number }
  | GapLine;

/** A chat message as it stands now: edits, deletion and reactions are applied in place. */
export interface MessageLine {
  kind: "message";
  id: number;
  username: string;
  text: string;
  ts: number;
  /** Written by the reader: by `authorId` when both sides have one, otherwise by name. */
  own: boolean;
  /** Who wrote it, as a person (v1.8); absent from older rooms' messages. */
  authorId?: string;
  /** The author was signed in to the account of this name when writing it. */
  verified: boolean;
  /** The message this one answers. */
  replyTo?: number;
  /** People it names with `@name`, as the room spells them. */
  mentions: string[];
  /** It names the reader. */
  mentionsMe: boolean;
  editedAt?: number;
  deleted: boolean;
  reactions: Reactions;
  /** v1.10: the files it carries; gone with the message. */
  attachments?: FileRef[];
}

/**
 * Entries a resume left out: ids between `after` and `before` exist that this
 * view never got (the reconnect came back after more than a replay's worth).
 * Loading them through `?after=` closes the gap.
 */
export interface GapLine {
  kind: "gap";
  id: null;
  after: number;
  before: number;
  ts: number;
  /** v1.9: the stretch between a search result's surroundings and what was loaded after them. */
  newer?: true;
}

export interface ChatModel {
  room: string;
  /** The name the server gave us; null until welcome. */
  me: string | null;
  /** The reader as a person, from welcome (v1.8): the messages carrying it are theirs. */
  authorId: string | null;
  /** The reader is signed in to the account of their name (welcome's `verified`). */
  verified: boolean;
  operator: boolean;
  /** Highest id seen: sent as `since` when reconnecting. */
  lastId: number;
  /** The room's history epoch from welcome, sent back on reconnect with `since`. */
  epoch: string | null;
  /** Lines in display order; ids only grow, so appending keeps order. */
  lines: Line[];
  /** Ids already shown, so a replayed frame never appears twice. */
  seen: Set<number>;
  users: Map<string, UserSummary>;
  count: number;
  /**
   * Departures a crowd's `presence` counted without naming them since the
   * last `users` reply: the list may still show that many who left. The app
   * asks for the list once per connection, so this stays until the next one;
   * `peopleNote` says so.
   */
  unnamedLeft: number;
  /** Whether older history exists for "load older". */
  hasOlder: boolean;
  maxMessageLength: number;
}

export function emptyModel(room: string): ChatModel {
  return {
    room,
    me: null,
    authorId: null,
    verified: false,
    operator: false,
    lastId: 0,
    epoch: null,
    lines: [],
    seen: new Set(),
    users: new Map(),
    count: 0,
    unnamedLeft: 0,
    hasOlder: false,
    maxMessageLength: 2000,
  };
}

/**
 * Whether a message is the reader's: by person when both the message and the
 * reader's welcome name one (so someone who takes a name another person left
 * never gets that person's messages), by name only when either does not.
 */
export function isOwnMessage(
  message: { username: string; authorId?: string },
  me: string | null,
  myAuthorId: string | null,
): boolean {
  if (message.authorId !== undefined && myAuthorId !== null) return message.authorId === myAuthorId;
  return me !== null && nameKey(message.username) === nameKey(me);
}

/** One replayed or live entry as a line; `authorId` is the reader's, from welcome, when known. */
export function toLine(frame: ReplayFrame, me: string | null, authorId: string | null = null): Line {
  const mine = (name: string) => me !== null && nameKey(name) === nameKey(me);
  switch (frame.type) {
    case ServerType.chatMessage:
      return messageLine(frame.payload, me, authorId);
    case ServerType.system: {
      const p = frame.payload;
      const verified = p.verified === true;
      return { kind: "system", id: p.id, event: p.event, username: p.username, text: p.text, ts: p.ts, verified };
    }
    case ServerType.dm: {
      const p = frame.payload;
      const verified = p.verified === true;
      return { kind: "dm", id: p.id, from: p.from, to: p.to, text: p.message, ts: p.ts, own: mine(p.from), verified };
    }
  }
}

function messageLine(p: ChatMessagePayload, me: string | null, authorId: string | null): MessageLine {
  const key = me === null ? null : nameKey(me);
  const mentions = p.mentions ?? [];
  return {
    kind: "message",
    id: p.id,
    username: p.username,
    text: p.deleted ? "" : p.message,
    ts: p.ts,
    own: isOwnMessage(p, me, authorId),
    ...(p.authorId === undefined ? {} : { authorId: p.authorId }),
    verified: p.verified === true,
    ...(p.replyTo === undefined ? {} : { replyTo: p.replyTo }),
    mentions,
    mentionsMe: key !== null && mentions.some((m) => nameKey(m) === key),
    ...(p.editedAt === undefined ? {} : { editedAt: p.editedAt }),
    deleted: p.deleted === true,
    reactions: p.reactions ?? {},
    ...(p.attachments?.length && !p.deleted ? { attachments: p.attachments } : {}),
  };
}

/** What applying a frame did, for the view to react to. */
export interface Applied {
  /** Lines added at the end, in order. */
  appended: Line[];
  /** Lines already shown that changed (an edit, a delete, reactions). */
  updated?: MessageLine[];
  usersChanged: boolean;
  /** The room's history started over (`reset`): everything shown before is gone from the view. */
  reset?: true;
}

function add(model: ChatModel, line: Line, appended: Line[]): void {
  if (line.id !== null) {
    if (model.seen.has(line.id)) return;
    model.seen.add(line.id);
    model.lastId = Math.max(model.lastId, line.id);
  }
  model.lines.push(line);
  appended.push(line);
}

function trackUsers(model: ChatModel, event: string, username: string, ts: number, verified: boolean): boolean {
  const key = nameKey(username);
  switch (event) {
    case SystemEvent.join:
      model.users.set(key, {
        username,
        operator: model.users.size === 0,
        since: ts,
        ...(verified ? { verified: true as const } : {}),
      });
      return true;
    case SystemEvent.leave:
    case SystemEvent.kick:
    case SystemEvent.ban:
      return model.users.delete(key);
    case SystemEvent.operator: {
      const user = model.users.get(key);
      if (user) model.users.set(key, { ...user, operator: true });
      if (model.me !== null && key === nameKey(model.me)) model.operator = true;
      return true;
    }
    default:
      return false;
  }
}

/**
 * What a person says live carries whether they are signed in now, which the
 * people list learns from it: someone who signed in while here (the room
 * moves them to their account without a word to the others) is marked from
 * their next message on.
 */
function markSpeaker(model: ChatModel, username: string, verified: boolean): boolean {
  const key = nameKey(username);
  const user = model.users.get(key);
  if (!user || (user.verified === true) === verified) return false;
  const { verified: _, ...rest } = user;
  model.users.set(key, verified ? { ...rest, verified: true } : rest);
  return true;
}

/** Someone took another name: the same person in the people list, under the new one. */
function renameUser(model: ChatModel, from: string, to: string): boolean {
  const user = model.users.get(nameKey(from));
  if (!user) return false;
  model.users.delete(nameKey(from));
  model.users.set(nameKey(to), { ...user, username: to });
  return true;
}

/**
 * How many people the web app asks the room to list, longest-connected first.
 * Each list is sent to its asker alone, so after a restart, when a crowd of N
 * comes back at once, lists of everyone would cost the room N × N names; the
 * rest are counted (`more`), and the list grows by the names arrivals bring.
 */
export const PEOPLE_LISTED = 100;

/**
 * What the people list cannot show: how many more are here than it names
 * (the room's count is always right; those past the first `PEOPLE_LISTED`
 * and arrivals a crowd's `presence` did not name are missing), and whether
 * some it names may have left. Null when the
 * list is whole.
 */
export function peopleNote(model: ChatModel): string | null {
  const more = model.count - model.users.size;
  const gone = model.unnamedLeft > 0;
  if (more > 0) return `${more} more here, not listed${gone ? "; some of those listed may have left" : ""}`;
  return gone ? "Some of those listed may have left" : null;
}

/** Applies one server frame to the model (in place) and says what changed. */
export function applyFrame(model: ChatModel, frame: ServerFrame, now = Date.now()): Applied {
  const appended: Line[] = [];
  let usersChanged = false;
  switch (frame.type) {
    case ServerType.welcome: {
      model.me = frame.payload.username;
      model.authorId = frame.payload.authorId ?? null;
      model.verified = frame.payload.verified === true;
      model.operator = frame.payload.operator;
      model.maxMessageLength = frame.payload.limits.maxMessageLength;
      model.epoch = frame.payload.epoch ?? null;
      // A new welcome may name another person (a claim signed the reader in): what is theirs follows it.
      const updated = reclaimOwn(model);
      return updated.length > 0 ? { appended, usersChanged, updated } : { appended, usersChanged };
    }
    case ServerType.history: {
      const { messages, truncated, reset } = frame.payload;
      if (reset) startOver(model);
      // Without `since` (a first join, or after a reset) truncated means older scrollback exists;
      // with it, the stretch between what was seen and the replay is missing.
      if (model.lastId === 0) model.hasOlder = truncated;
      const gap = missedRange(model.lastId, frame.payload);
      if (gap) add(model, { kind: "gap", id: null, ...gap, ts: now }, appended);
      for (const f of messages) add(model, toLine(f, model.me, model.authorId), appended);
      return reset ? { appended, usersChanged, reset } : { appended, usersChanged };
    }
    case ServerType.chatMessage:
    case ServerType.dm: {
      add(model, toLine(frame, model.me, model.authorId), appended);
      const speaker = frame.type === ServerType.dm ? frame.payload.from : frame.payload.username;
      usersChanged = markSpeaker(model, speaker, frame.payload.verified === true);
      break;
    }
    case ServerType.system: {
      const { id, event, username, ts, from, verified } = frame.payload;
      const fresh = !model.seen.has(id);
      add(model, toLine(frame, model.me, model.authorId), appended);
      // The joiner's own notice arrives before the users reply; track it anyway.
      if (fresh) usersChanged = trackUsers(model, event, username, ts, verified === true);
      if (fresh && event === SystemEvent.nick && from !== undefined) usersChanged = renameUser(model, from, username);
      break;
    }
    case ServerType.renamed:
      model.me = frame.payload.username;
      break;
    case ServerType.userUpdated: {
      const known = model.users.get(nameKey(frame.payload.username));
      if (known && frame.payload.verified) {
        model.users.set(nameKey(frame.payload.username), { ...known, verified: true });
        usersChanged = true;
      }
      break;
    }
    case ServerType.userCount:
      model.count = frame.payload.count;
      usersChanged = true;
      break;
    case ServerType.presence: {
      // The net change since the last one: leaves first, so a name that left and came back stays.
      for (const name of frame.payload.left) model.users.delete(nameKey(name));
      for (const name of frame.payload.joined) {
        const key = nameKey(name);
        if (!model.users.has(key)) model.users.set(key, { username: name, operator: false, since: now });
      }
      model.unnamedLeft += frame.payload.moreLeft ?? 0;
      usersChanged = true;
      break;
    }
    case ServerType.users:
      model.users = new Map(frame.payload.users.map((u) => [nameKey(u.username), u]));
      model.count = frame.payload.users.length + (frame.payload.more ?? 0);
      model.unnamedLeft = 0;
      usersChanged = true;
      break;
    case ServerType.stats: {
      const p = frame.payload;
      const rows = [
        `name: ${p.username}`,
        `room: ${p.room}`,
        `messages sent: ${p.messagesSent}`,
        `connected since: ${new Date(p.connectedAt).toLocaleTimeString()}`,
        `people here: ${p.userCount}`,
      ];
      add(model, { kind: "info", id: null, title: "Your stats", rows, ts: now }, appended);
      break;
    }
    case ServerType.help:
      add(
        model,
        {
          kind: "info",
          id: null,
          title: "Commands",
          rows: helpRows(frame.payload.commands),
          ts: now,
        },
        appended,
      );
      break;
    case ServerType.bans: {
      const { bans } = frame.payload;
      const until = (ts: number | null) => (ts === null ? "" : ` until ${localTime(ts)}`);
      const rows = bans.length === 0 ? ["nobody is banned here"] : bans.map((b) => `${b.username}${until(b.until)}`);
      add(model, { kind: "info", id: null, title: "Bans", rows, ts: now }, appended);
      break;
    }
    case ServerType.messageUpdated: {
      const line = findMessage(model, frame.payload.id);
      if (!line) break;
      const { message, editedAt, deleted, reactions } = frame.payload;
      if (message !== undefined) line.text = message;
      if (editedAt !== undefined) line.editedAt = editedAt;
      if (deleted) {
        line.deleted = true;
        line.text = "";
        line.reactions = {};
        line.mentions = [];
        line.mentionsMe = false;
        delete line.attachments;
      }
      if (reactions !== undefined) line.reactions = reactions;
      return { appended, usersChanged, updated: [line] };
    }
    case ServerType.reaction: {
      const line = findMessage(model, frame.payload.id);
      if (!line || line.deleted) break;
      line.reactions = withReaction(line.reactions, frame.payload);
      return { appended, usersChanged, updated: [line] };
    }
    case ServerType.pong:
    case ServerType.error:
    case ServerType.typing:
    case ServerType.ack:
      break;
  }
  return { appended, usersChanged };
}

/** Decides again which messages are the reader's, after a welcome; returns those that changed. */
function reclaimOwn(model: ChatModel): MessageLine[] {
  const changed: MessageLine[] = [];
  for (const line of model.lines) {
    if (line.kind !== "message") continue;
    const own = isOwnMessage(line, model.me, model.authorId);
    if (own === line.own) continue;
    line.own = own;
    changed.push(line);
  }
  return changed;
}

/**
 * The ids a resume skipped: after `since` (the last id seen) and before the
 * first room entry replayed, when the server says it left some out. DMs of
 * that stretch come with the replay, so they do not mark where it ends.
 */
export function missedRange(
  since: number,
  history: ServerPayloads["history"],
): { after: number; before: number } | null {
  if (since === 0 || !history.truncated || history.reset) return null;
  const first = history.messages.find((f) => f.type !== ServerType.dm)?.payload.id;
  return first !== undefined && first > since + 1 ? { after: since, before: first } : null;
}

/** Forgets what the view shows: the room's history was wiped, and its ids start over. */
function startOver(model: ChatModel): void {
  model.lines = [];
  model.seen = new Set();
  model.lastId = 0;
  model.hasOlder = false;
}

/** Lists the users reply as a readable info line (the list itself is shown in the sidebar too). */
export function usersLine(users: UserSummary[], now = Date.now()): Line {
  return {
    kind: "info",
    id: null,
    title: `${users.length} here`,
    rows: users.map(
      (u) =>
        `${u.username}${u.verified ? " (verified)" : ""}${u.operator ? " (operator)" : ""}${u.away ? " (away)" : ""}`,
    ),
    ts: now,
  };
}

/**
 * Adds a page of older history at the front. Returns the lines actually
 * added, oldest first, skipping any already shown.
 */
export function prependOlder(model: ChatModel, messages: HistoryFrame[], hasMore: boolean): Line[] {
  const fresh = messages.filter((f) => !model.seen.has(f.payload.id)).map((f) => toLine(f, model.me, model.authorId));
  for (const line of fresh) if (line.id !== null) model.seen.add(line.id);
  model.lines = [...fresh, ...model.lines];
  model.hasOlder = hasMore;
  return fresh;
}

/**
 * Adds a page fetched with `?after=gap.after` into the gap, in id order among
 * the lines already shown (DMs of that stretch came with the replay). Returns
 * whether the gap is closed; if not, it now starts after the page's last id.
 */
export function fillGap(model: ChatModel, gap: GapLine, messages: HistoryFrame[], hasMore: boolean): boolean {
  const index = model.lines.indexOf(gap);
  if (index < 0) return true;
  const fresh = messages
    .filter((f) => f.payload.id > gap.after && f.payload.id < gap.before && !model.seen.has(f.payload.id))
    .map((f) => toLine(f, model.me, model.authorId));
  for (const line of fresh) if (line.id !== null) model.seen.add(line.id);
  let rest = model.lines.slice(index + 1);
  for (const line of fresh) rest = insertById(rest, line);
  const last = messages.at(-1)?.payload.id;
  const closed = !hasMore || last === undefined || last >= gap.before - 1;
  if (!closed) {
    gap.after = last;
    rest = insertById(rest, gap, last);
  }
  model.lines = [...model.lines.slice(0, index), ...rest];
  return closed;
}

/** Puts `line` before the first line whose id is above `id` (the line's own id by default). */
function insertById(lines: Line[], line: Line, id = line.id ?? 0): Line[] {
  const at = lines.findIndex((l) => l.id !== null && l.id > id);
  return at < 0 ? [...lines, line] : [...lines.slice(0, at), line, ...lines.slice(at)];
}

/** A chat message shown in this view, by id (the newest are looked at first: they change most). */
export function findMessage(model: ChatModel, id: number): MessageLine | null {
  for (let i = model.lines.length - 1; i >= 0; i--) {
    const line = model.lines[i];
    if (line?.kind === "message" && line.id === id) return line;
  }
  return null;
}

/** The newest message of the reader's own that can still be edited: what ↑ in an empty composer picks. */
export function lastOwnMessage(model: ChatModel): MessageLine | null {
  for (let i = model.lines.length - 1; i >= 0; i--) {
    const line = model.lines[i];
    if (line?.kind === "message" && line.own && !line.deleted) return line;
  }
  return null;
}

/** Who a DM line is a conversation with, from the reader's side; null for other lines. */
export function partnerOf(line: Line): string | null {
  if (line.kind !== "dm") return null;
  return line.own ? line.to : line.from;
}

/** The id to page back from: the oldest line with an id. */
export function oldestId(model: ChatModel): number | null {
  for (const line of model.lines) if (line.id !== null) return line.id;
  return null;
}

/** Users sorted for the sidebar: longest-connected first. */
export function sortedUsers(model: ChatModel): UserSummary[] {
  return [...model.users.values()].sort((a, b) => a.since - b.since);
}

/** Messages from one person closer together than this are drawn under one name. */
export const GROUP_WITHIN_MS = 5 * 60_000;

/**
 * Who wrote a message-like line (a chat message or a DM), as shown above it:
 * the name and whether it bore the mark; null for notices and the rest.
 */
function author(line: Line): string | null {
  if (line.kind === "message") return `${line.verified ? "+" : "-"}${line.authorId ?? ""}:${line.username}`;
  if (line.kind === "dm") return `${line.verified ? "+" : "-"}:${line.from}`;
  return null;
}

/**
 * Whether `line` continues `prev`'s group: same author, a few minutes apart,
 * nothing in between. A line without the mark never hides under a marked
 * name of the same spelling, nor one person's under another's.
 */
export function continues(prev: Line | null, line: Line): boolean {
  if (!prev) return false;
  const a = author(prev);
  return a !== null && a === author(line) && line.ts - prev.ts < GROUP_WITHIN_MS && line.ts >= prev.ts;
}

/** Lines that count as unread: what other people said. */
export function isFromOthers(line: Line): boolean {
  return (line.kind === "message" || line.kind === "dm") && !line.own;
}
