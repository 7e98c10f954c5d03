import { hasColumn, LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import {
  type ChatMessagePayload,
  DM_RETENTION,
  type DmFrame,
  HISTORY_MAX_MESSAGES,
  type HistoryFrame,
  MAX_HISTORY,
  NOTICE_RETENTION,
  RESUME_UPDATES_MAX,
  ServerType,
  SystemEvent,
} from "../../protocol";
import { collapseRuns } from "../core/notice-runs";
import type { ReactionLookup } from "../core/state";
import { DmStore } from "./dms";
import {
  addReactionTables,
  asReactions,
  type ReactionChange,
  type ReactionSet,
  ReactionStore,
  toggled,
} from "./reactions";
import { type SearchPage, SearchStore } from "./search";
import { searchMatch } from "./search-words";
import type { Sequencer } from "./sequencer";

interface Entry {
  /** As stored: a chat message's reactions are kept apart, in `reactions`. */
  frame: HistoryFrame;
  /** Its JSON as replayed, reactions included, so a join serializes nothing; null until needed again after a change. */
  text: string | null;
  reactions?: ReactionSet;
}

/**
 * The room's durable history in the object's SQLite, fronted by in-memory
 * rings of the newest entries. The rings are only a cache: loaded from
 * storage on first use after the object wakes, so hibernation and restarts
 * lose nothing.
 *
 * Chat messages and notices are counted apart: the newest 100 of each are
 * replayed; up to `HISTORY_MAX_MESSAGES` chat messages are kept (100,000 by
 * default) and the newest 1,100 notices. So a crowd coming and going (120
 * joins and leaves) never pushes what people said out of a newcomer's replay
 * or out of the scrollback, nor grows the storage: the oldest notices are
 * what give way.
 *
 * Chat messages are searchable (`SearchStore`): the index is written with
 * each message, edit, deletion and prune, in the same event's transaction.
 *
 * Direct messages are kept apart (`DmStore`) and woven into a replay by id.
 *
 * Reactions are kept apart (`ReactionStore`): a toggle never rewrites the
 * message. Reads (replays, pages, a resume) put them back into each
 * message, one query a read; the ring keeps them with its messages.
 *
 * Tables are created on the first write: reading a room nobody used creates
 * no storage.
 */
/** Whose rows a blocker's reads leave out: the author as stored (their session), and the id the block began after. */
export interface HiddenAuthor {
  author: string;
  since: number;
}

export class HistoryStore {
  readonly #sql: Sql;
  readonly #ids: Sequencer;
  readonly #history: LazyTable;
  readonly #dms: DmStore;
  readonly #revisions: LazyTable;
  readonly #reactions: ReactionStore;
  readonly #search: SearchStore;
  readonly #maxMessages: number;
  readonly #pruned: (oldest: number) => void;
  #chat: Entry[] | undefined;
  #notices: Entry[] | undefined;
  // Counted in memory, so it starts due: a room that sleeps between every few writes (any quiet
  // room) prunes on its first write after waking, or it would never reach the count.
  #appendsSincePrune = PRUNE_EVERY - 1;
  /** A first visit's replay while the history stands; dropped by every change to it. */
  #firstVisit: ReplayWindow | undefined;

  /**
   * `ids` is the room's sequencer: a revision is noted at the highest id
   * handed out. `maxMessages`: chat messages kept (`HISTORY_MAX_MESSAGES`).
   */
  constructor(
    sql: Sql,
    ids: Sequencer,
    maxMessages = HISTORY_MAX_MESSAGES,
    /** Told the oldest chat message kept after a prune, for what hangs on the messages pruned (their files). */
    pruned: (oldest: number) => void = () => {},
  ) {
    this.#pruned = pruned;
    this.#sql = sql;
    this.#ids = ids;
    this.#maxMessages = maxMessages;
    this.#history = new LazyTable(
      sql,
      "history",
      [
        `CREATE TABLE IF NOT EXISTS history (
          id INTEGER PRIMARY KEY,
          ts INTEGER NOT NULL,
          type TEXT NOT NULL,
          frame TEXT NOT NULL,
          author TEXT
        )`,
        "CREATE INDEX IF NOT EXISTS history_by_type ON history (type, id)",
        // How many chat messages the room holds, up to a row's id: a prune counts only the rows since.
        "CREATE TABLE IF NOT EXISTS history_count (type TEXT PRIMARY KEY, kept INTEGER NOT NULL, through INTEGER NOT NULL)",
      ],
      // Rooms from before edits kept no author; their old messages simply cannot be edited.
      (db) => {
        if (!hasColumn(db, "history", "author")) db.exec("ALTER TABLE history ADD COLUMN author TEXT");
        addReactionTables(db);
      },
    );
    this.#reactions = new ReactionStore(sql);
    this.#dms = new DmStore(sql);
    this.#search = new SearchStore(sql);
    // When each changed message last changed, as the highest id handed out by then: a client
    // resuming from an id at or below that may have missed the change.
    this.#revisions = new LazyTable(sql, "revisions", [
      "CREATE TABLE IF NOT EXISTS revisions (message_id INTEGER PRIMARY KEY, at INTEGER NOT NULL)",
      "CREATE INDEX IF NOT EXISTS revisions_at ON revisions (at)",
    ]);
  }

  /** Stores an entry; `text` is its JSON, when the caller already has it; `author`, a chat message's session. */
  append(frame: HistoryFrame, text = JSON.stringify(frame), author: string | null = null): void {
    const { id, ts } = frame.payload;
    // The ring is loaded before the row is written, or a freshly loaded ring would hold it already.
    const ring = frame.type === ServerType.chatMessage ? this.#chatRing() : this.#noticeRing();
    this.#history.ensure();
    if (frame.type === ServerType.chatMessage) this.#search.add(id, frame.payload.message);
    this.#sql.exec(
      "INSERT INTO history (id, ts, type, frame, author) VALUES (?, ?, ?, ?, ?)",
      id,
      ts,
      frame.type,
      text,
      author,
    );
    this.#ids.kept(id);
    ring.push({ frame, text });
    if (ring.length > MAX_HISTORY) ring.shift();
    this.#firstVisit = undefined;
    // Pruning is a range delete on an index; doing it every so often keeps appends cheap.
    if (++this.#appendsSincePrune >= PRUNE_EVERY) this.#prune();
  }

  /** A chat message as it stands, with its author's session (null where none was kept). */
  findMessage(id: number): { payload: ChatMessagePayload; author: string | null } | null {
    if (!this.#history.exists()) return null;
    const row = this.#sql
      .exec<{ frame: string; author: string | null }>(
        "SELECT frame, author FROM history WHERE id = ? AND type = ?",
        id,
        ServerType.chatMessage,
      )
      .toArray()[0];
    if (!row) return null;
    const frame = decode(row);
    return frame.type === ServerType.chatMessage ? { payload: frame.payload, author: row.author } : null;
  }

  /**
   * Replaces a stored chat message with its current state, in storage and in
   * the replay ring, and notes when, so a resume from before then is told.
   * A deleted message's reactions go from storage with its text.
   */
  revise(frame: HistoryFrame, text = JSON.stringify(frame)): void {
    if (!this.#history.exists()) return;
    const { id } = frame.payload;
    this.#sql.exec("UPDATE history SET frame = ? WHERE id = ?", text, id);
    const deleted = frame.type === ServerType.chatMessage && frame.payload.deleted === true;
    if (deleted) this.#reactions.removeAll(id);
    if (frame.type === ServerType.chatMessage) this.#search.replace(id, deleted ? null : frame.payload.message);
    this.#noteRevision(id);
    const ring = this.#chatRing();
    const at = ring.findIndex((e) => e.frame.payload.id === id);
    const reactions = deleted ? undefined : ring[at]?.reactions;
    if (at >= 0) ring[at] = reactions ? { frame, text: null, reactions } : { frame, text };
    this.#firstVisit = undefined;
  }

  /** How a session's reaction with `emoji` stands on message `id`: lookups on keys, whatever else it has. */
  reactionOf(id: number, emoji: string, session: string): ReactionLookup {
    if (!this.#history.exists()) return { mine: null, present: false, distinct: 0 };
    return this.#reactions.lookup(id, emoji, session);
  }

  /**
   * Adds or takes back one reaction: a row and its emoji's count, and a
   * revision, so a resume from before then gets the message as it stands.
   * The message itself is not rewritten: a toggle costs the same with 3
   * reactions or 3,000.
   */
  react(change: ReactionChange): void {
    if (!this.#history.exists()) return;
    this.#reactions.toggle(change);
    this.#noteRevision(change.id);
    // A ring not loaded yet reads this from storage when it is.
    const entry = this.#chat?.find((e) => e.frame.payload.id === change.id);
    if (entry) {
      entry.reactions = toggled(entry.reactions ?? new Map(), change);
      entry.text = null;
    }
    this.#firstVisit = undefined;
  }

  /**
   * A stored chat message's author id, and the highest id handed out when it
   * last changed (an edit, a deletion, a reaction; null: never): what a
   * conversation's blocker is not shown is decided by these.
   */
  authorAndChange(id: number): { authorId?: string; changedAt: number | null } | null {
    const found = this.findMessage(id);
    if (found === null) return null;
    const changed = this.#revisions.exists()
      ? this.#sql.exec<{ at: number }>("SELECT at FROM revisions WHERE message_id = ?", id).toArray()[0]
      : undefined;
    return {
      ...(found.payload.authorId === undefined ? {} : { authorId: found.payload.authorId }),
      changedAt: changed?.at ?? null,
    };
  }

  /** Message `id` changed now: a client resuming from before this has to be told. */
  #noteRevision(id: number): void {
    this.#revisions.ensure();
    this.#sql.exec("INSERT OR REPLACE INTO revisions (message_id, at) VALUES (?, ?)", id, this.#ids.lastId());
  }

  /** History frames as a reader sees them: each chat message with its reactions, read in one query. */
  #withReactions(frames: HistoryFrame[]): HistoryFrame[] {
    const ids = frames.filter((f) => f.type === ServerType.chatMessage).map((f) => f.payload.id);
    if (ids.length === 0 || !this.#history.exists()) return frames;
    const reactions = this.#reactions.between(Math.min(...ids), Math.max(...ids));
    if (reactions.size === 0) return frames;
    return frames.map((f) => {
      const set = f.type === ServerType.chatMessage ? reactions.get(f.payload.id) : undefined;
      return set && f.type === ServerType.chatMessage ? reacted(f, set) : f;
    });
  }

  /** Stores a DM for its two parties (see `DmStore`); a replay weaves it in. */
  appendDm(frame: DmFrame, from: string, to: string, text = JSON.stringify(frame)): void {
    this.#dms.append(frame, from, to, text);
  }

  /**
   * A deleted account's mark comes off what it left here: its messages (by
   * author id), the notices of its comings and goings (by name), and its DMs.
   * The text and the name stay. The rings are dropped and reloaded, as after
   * waking, so a replay never shows the mark again.
   */
  unmark(authorId: string, name: string): void {
    if (this.#history.exists()) {
      this.#sql.exec(
        `UPDATE history SET frame = json_remove(frame, '$.payload.verified')
          WHERE json_extract(frame, '$.payload.verified') = 1
            AND (json_extract(frame, '$.payload.authorId') = ?
              OR (type = 'system' AND json_extract(frame, '$.payload.username') = ?))`,
        authorId,
        name,
      );
    }
    this.#dms.unmark(name);
    this.#chat = undefined;
    this.#notices = undefined;
    this.#firstVisit = undefined;
  }

  /** The storage was wiped: start over, as in a room never used. */
  forget(): void {
    for (const table of [this.#history, this.#dms, this.#revisions, this.#search]) table.forget();
    this.#chat = [];
    this.#notices = [];
    this.#firstVisit = undefined;
  }

  /**
   * The `history` frame for a joiner, as JSON built from the entries' stored
   * text: of the entries newer than `since` (all, when absent), the newest 100
   * chat messages and the newest 100 notices (none from before that chat),
   * with the joiner's own DMs of the same stretch, in id order. `truncated`
   * says entries after `since` (or older scrollback) exist before the first
   * one sent: the gap `after=` fills. Notices beyond the newest 100 among
   * the chat are left out of a replay without counting as a gap: a crowd's
   * comings and goings are collapsed, never what was said; a run of them
   * is told in short (`collapseRuns`). After it, for a
   * resume, a `messageUpdated` for each message the client had that changed.
   */
  replayText(since: number | undefined, session: string, reset = false): string[] {
    const window = since === undefined ? this.#firstWindow() : this.#window(since);
    const { entries, firstId, truncated, missed } = window;
    // DMs of the replayed stretch: after `since`, or from the oldest replayed entry on. A resume
    // gets all it missed (as far back as DMs are kept); if even that is not all, it says so.
    const dmFloor = since ?? (firstId === undefined ? 0 : firstId - 1);
    const dmLimit = since === undefined ? MAX_HISTORY : DM_RETENTION;
    const { dms, cut: dmsCut } = this.#dms.of(session, dmFloor, dmLimit);
    // Most joiners are first visits with no DMs: they all get the very same text while the history stands.
    if (since === undefined && !reset && dms.length === 0) {
      window.text ??= historyText(entries.map(entryText), truncated, "");
      return [window.text];
    }
    const texts: string[] = [];
    let d = 0;
    for (const entry of entries) {
      const id = entry.frame.payload.id;
      while (d < dms.length && (dms[d]?.id ?? 0) < id) texts.push(dms[d++]?.frame ?? "");
      texts.push(entryText(entry));
    }
    while (d < dms.length) texts.push(dms[d++]?.frame ?? "");
    const flags = `${missed === undefined ? "" : `,"missed":${missed}`}${reset ? `,"reset":true` : ""}`;
    const history = historyText(texts, truncated || dmsCut, flags);
    const changes = since === undefined ? [] : this.#changedSince(since);
    return [history, ...changes];
  }

  /**
   * A conversation blocker's replay: the newest entries after `since` that
   * are not the blocked person's since the block, read past however many of
   * theirs there are, then (for a resume) what changed. A conversation keeps
   * no notices nor DMs, so this is the whole of it.
   */
  replayHiding(hidden: HiddenAuthor, since: number | undefined, reset = false): string[] {
    const { messages, hasMore } = this.page(undefined, MAX_HISTORY, hidden, since ?? 0);
    const history = historyText(
      messages.map((m) => JSON.stringify(m)),
      hasMore,
      reset ? `,"reset":true` : "",
    );
    return [history, ...(since === undefined ? [] : this.#changedSince(since))];
  }

  /** The clause leaving out the blocked person's rows since the block, with its bindings. */
  #skipping(hidden: HiddenAuthor | undefined): { sql: string; bindings: (string | number)[] } {
    if (hidden === undefined) return { sql: "", bindings: [] };
    if (!this.#revisions.exists())
      return { sql: " AND NOT (author IS ? AND id > ?)", bindings: [hidden.author, hidden.since] };
    return {
      sql: " AND NOT (author IS ? AND (id > ? OR id IN (SELECT message_id FROM revisions WHERE at > ?)))",
      bindings: [hidden.author, hidden.since, hidden.since],
    };
  }

  /** What a first visit replays, worked out once while the history stands (a storm of joiners shares it). */
  #firstWindow(): ReplayWindow {
    this.#firstVisit ??= this.#window(undefined);
    return this.#firstVisit;
  }

  /**
   * The entries newer than `since` that a replay carries, and whether older
   * ones it leaves out make a gap (with its size, for a resume).
   */
  #window(since: number | undefined): ReplayWindow {
    const after = since ?? 0;
    const chat = this.#chatRing().filter((e) => e.frame.payload.id > after);
    // With a full window of chat, older chat may exist: notices from before it would sit across that gap.
    const floor = chat.length === MAX_HISTORY ? (chat[0]?.frame.payload.id ?? after) : after;
    const ring = this.#noticeRing();
    const older = this.#noticesBeforeRing(ring, floor);
    const merged = merge(chat, [...older.entries, ...ring.filter((e) => e.frame.payload.id > floor)]);
    const first = merged[0]?.frame.payload.id;
    const truncated =
      older.cut ||
      (first !== undefined &&
        this.#history.exists() &&
        this.#sql.exec("SELECT 1 FROM history WHERE id > ? AND id < ? LIMIT 1", after, first).toArray().length > 0);
    // A resume that left a gap says how big it is; a first visit's older scrollback is not a gap.
    const missed =
      truncated && since !== undefined && first !== undefined
        ? this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM history WHERE id > ? AND id < ?", after, first).one()
            .n
        : undefined;
    return { entries: collapseRuns(merged, (e) => e.frame, asEntry, truncated), firstId: first, truncated, missed };
  }

  /**
   * Notices a replay would otherwise drop without a word: the ring holds the
   * newest 100, and a busy stretch of comings and goings can push a kick, a
   * ban, a hand-over or an idle eviction out of it while it is still newer
   * than the oldest chat message replayed. Those are read from storage
   * (joins and leaves are the ones a replay may leave out: they are only
   * presence). Should even they be more than 100, the oldest are left out
   * and the replay says `truncated`, so the client fills the gap.
   */
  #noticesBeforeRing(ring: readonly Entry[], floor: number): { entries: Entry[]; cut: boolean } {
    const oldest = ring[0]?.frame.payload.id;
    if (ring.length < MAX_HISTORY || oldest === undefined || oldest <= floor + 1) return { entries: [], cut: false };
    const rows = this.#sql
      .exec<{ frame: string }>(
        `SELECT frame FROM history WHERE type <> ? AND id > ? AND id < ?
           AND json_extract(frame, '$.payload.event') NOT IN (?, ?)
         ORDER BY id DESC LIMIT ?`,
        ServerType.chatMessage,
        floor,
        oldest,
        SystemEvent.join,
        SystemEvent.leave,
        MAX_HISTORY + 1,
      )
      .toArray()
      .reverse();
    const cut = rows.length > MAX_HISTORY;
    return { entries: (cut ? rows.slice(1) : rows).map((row) => ({ frame: decode(row), text: row.frame })), cut };
  }

  /**
   * Messages a resuming client already had that were edited, deleted or
   * reacted to after it last heard from the room: each as a `messageUpdated`
   * with the message's whole current state, so the client can simply apply it.
   */
  #changedSince(since: number): string[] {
    if (!this.#revisions.exists() || !this.#history.exists()) return [];
    // The newest changed messages are the ones a client has on screen: past the bound, the oldest go.
    const rows = this.#sql
      .exec<{ id: number; frame: string }>(
        `SELECT h.id AS id, h.frame AS frame FROM revisions r JOIN history h ON h.id = r.message_id
         WHERE r.at >= ? AND r.message_id <= ? ORDER BY r.message_id DESC LIMIT ?`,
        since,
        since,
        RESUME_UPDATES_MAX,
      )
      .toArray()
      .reverse();
    // Only these messages' reactions are read, however many changed since.
    const reactions = this.#reactions.of(rows.map((row) => row.id));
    return rows.flatMap((row) => {
      const frame = decode(row);
      if (frame.type !== ServerType.chatMessage) return [];
      const { id, message, editedAt, deleted } = frame.payload;
      const set = reactions.get(id);
      const update = deleted
        ? { id, deleted }
        : { id, message, ...(editedAt === undefined ? {} : { editedAt }), reactions: set ? asReactions(set) : {} };
      return [JSON.stringify({ type: ServerType.messageUpdated, payload: update })];
    });
  }

  /** Entries with ids above `after`, oldest first: what fills a gap a resume left. */
  pageAfter(after: number, limit: number, hidden?: HiddenAuthor): { messages: HistoryFrame[]; hasMore: boolean } {
    if (!this.#history.exists()) return { messages: [], hasMore: false };
    const skip = this.#skipping(hidden);
    const rows = this.#sql
      .exec<{ frame: string }>(
        `SELECT frame FROM history WHERE id > ?${skip.sql} ORDER BY id ASC LIMIT ?`,
        after,
        ...skip.bindings,
        limit + 1,
      )
      .toArray();
    // Gaps are filled forward, from the last id received: nothing here is fetched again.
    const messages = this.#withReactions(collapseFrames(rows.slice(0, limit).map(decode), false));
    return { messages, hasMore: rows.length > limit };
  }

  /**
   * One page of scrollback: up to `limit` entries older than `before` (and
   * newer than `floor`), oldest first. `hidden`: a blocker's page, full
   * however much the blocked person wrote, since their rows are skipped by
   * the query rather than dropped from a page already cut.
   */
  page(
    before: number | undefined,
    limit: number,
    hidden?: HiddenAuthor,
    floor = 0,
  ): { messages: HistoryFrame[]; hasMore: boolean } {
    if (!this.#history.exists()) return { messages: [], hasMore: false };
    const skip = this.#skipping(hidden);
    const rows = this.#sql
      .exec<{ frame: string }>(
        `SELECT frame FROM history WHERE id < ? AND id > ?${skip.sql} ORDER BY id DESC LIMIT ?`,
        before ?? Number.MAX_SAFE_INTEGER,
        floor,
        ...skip.bindings,
        limit + 1,
      )
      .toArray();
    const hasMore = rows.length > limit;
    return {
      messages: this.#withReactions(collapseFrames(rows.slice(0, limit).reverse().map(decode), hasMore)),
      hasMore,
    };
  }

  /**
   * v1.9: up to `limit` chat messages matching a person's search words, with
   * ids below `before`, newest first. Words that leave nothing to match find
   * nothing.
   */
  search(words: string, before: number | undefined, limit: number): SearchPage {
    const match = searchMatch(words);
    if (match === null || !this.#history.exists()) return { results: [], hasMore: false };
    return this.#search.find(match, before, limit);
  }

  /** Time of the newest chat message, or null for a room nobody has spoken in. */
  lastMessageAt(): number | null {
    return this.#chatRing().at(-1)?.frame.payload.ts ?? null;
  }

  #chatRing(): Entry[] {
    if (this.#chat === undefined) {
      const ring = this.#loadRing(ServerType.chatMessage);
      const first = ring[0]?.frame.payload.id;
      const last = ring.at(-1)?.frame.payload.id;
      const reactions =
        first === undefined || last === undefined
          ? new Map<number, ReactionSet>()
          : this.#reactions.between(first, last);
      for (const entry of ring) {
        const set = reactions.get(entry.frame.payload.id);
        if (set) {
          entry.reactions = set;
          entry.text = null;
        }
      }
      this.#chat = ring;
    }
    return this.#chat;
  }

  #noticeRing(): Entry[] {
    this.#notices ??= this.#loadRing(ServerType.system);
    return this.#notices;
  }

  /** The newest entries of a type: read on the index, however few of them there are among the other type. */
  #loadRing(type: HistoryFrame["type"]): Entry[] {
    if (!this.#history.exists()) return [];
    return this.#sql
      .exec<{ frame: string }>("SELECT frame FROM history WHERE type = ? ORDER BY id DESC LIMIT ?", type, MAX_HISTORY)
      .toArray()
      .reverse()
      .map((row) => ({ frame: decode(row), text: row.frame }));
  }

  /**
   * Keeps the newest `maxMessages` chat messages (with their reactions,
   * revisions and index rows, and no DM older than they are) and the newest
   * `NOTICE_RETENTION` notices. Every step is a range on an index: the chat
   * is counted from the count kept at the last prune plus the rows since.
   */
  #prune(): void {
    this.#appendsSincePrune = 0;
    this.#firstVisit = undefined;
    const oldestChat = this.#pruneChat();
    if (oldestChat !== undefined) {
      this.#dms.pruneBefore(oldestChat);
      if (this.#revisions.exists()) this.#sql.exec("DELETE FROM revisions WHERE message_id < ?", oldestChat);
      this.#reactions.pruneBefore(oldestChat);
      this.#search.pruneBefore(oldestChat);
      this.#pruned(oldestChat);
    }
    const oldestNotice = this.#sql
      .exec<{ id: number }>(
        "SELECT id FROM history WHERE type = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
        ServerType.system,
        NOTICE_RETENTION - 1,
      )
      .toArray()[0]?.id;
    if (oldestNotice !== undefined) {
      this.#sql.exec("DELETE FROM history WHERE type = ? AND id < ?", ServerType.system, oldestNotice);
    }
  }

  /** Prunes the chat beyond `maxMessages`; the oldest chat message kept, when any went. */
  #pruneChat(): number | undefined {
    const type = ServerType.chatMessage;
    const counted = this.#sql
      .exec<{ kept: number; through: number }>("SELECT kept, through FROM history_count WHERE type = ?", type)
      .toArray()[0] ?? { kept: 0, through: 0 };
    const since = this.#sql
      .exec<{ n: number; last: number | null }>(
        "SELECT count(*) AS n, max(id) AS last FROM history WHERE type = ? AND id > ?",
        type,
        counted.through,
      )
      .one();
    let kept = counted.kept + since.n;
    // A bound lowered on a big room is reached over a few prunes, so no one write does it all.
    const excess = Math.min(kept - this.#maxMessages, PRUNE_MOST);
    let oldest: number | undefined;
    if (excess > 0) {
      oldest = this.#sql
        .exec<{ id: number }>("SELECT id FROM history WHERE type = ? ORDER BY id LIMIT 1 OFFSET ?", type, excess)
        .toArray()[0]?.id;
      if (oldest !== undefined) {
        this.#sql.exec("DELETE FROM history WHERE type = ? AND id < ?", type, oldest);
        kept -= excess;
      }
    }
    this.#sql.exec(
      "INSERT OR REPLACE INTO history_count (type, kept, through) VALUES (?, ?, ?)",
      type,
      kept,
      since.last ?? counted.through,
    );
    return oldest;
  }
}

/** A chat message with its reactions, as replays and pages show it. */
function reacted(frame: Extract<HistoryFrame, { type: "chatMessage" }>, set: ReactionSet): HistoryFrame {
  return set.size === 0 ? frame : { type: frame.type, payload: { ...frame.payload, reactions: asReactions(set) } };
}

/** An entry's JSON as replayed: built again, once, after its reactions changed. */
function entryText(entry: Entry): string {
  if (entry.text === null) {
    const { frame, reactions } = entry;
    entry.text = JSON.stringify(frame.type === ServerType.chatMessage && reactions ? reacted(frame, reactions) : frame);
  }
  return entry.text;
}

/** History entries between prunes: the room may hold this many past its bound of a kind. */
const PRUNE_EVERY = 100;

/** Chat messages one prune removes at most. */
const PRUNE_MOST = 10 * PRUNE_EVERY;

/** A replay: its entries, and whether older ones it leaves out make a gap. */
interface ReplayWindow {
  entries: Entry[];
  /** The oldest entry's id before runs were told in short: the replay's DMs start after it. */
  firstId: number | undefined;
  truncated: boolean;
  missed: number | undefined;
  /** The whole `history` frame, for a first visit with no DMs: built once, shared by every such joiner. */
  text?: string;
}

/** The `history` frame's JSON from its entries' stored JSON; `flags` are further fields, each led by a comma. */
function historyText(texts: readonly string[], truncated: boolean, flags: string): string {
  return `{"type":"${ServerType.history}","payload":{"messages":[${texts.join(",")}],"truncated":${truncated}${flags}}}`;
}

/** Two id-ordered lists as one. */
function merge(a: Entry[], b: Entry[]): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.frame.payload.id < y.frame.payload.id)) {
      if (x) out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

function asEntry(frame: HistoryFrame): Entry {
  return { frame, text: JSON.stringify(frame) };
}

/** A page of history as a reader sees it (runs of comings and goings told in short). */
function collapseFrames(frames: readonly HistoryFrame[], olderLeftOut: boolean): HistoryFrame[] {
  return collapseRuns(
    frames,
    (f) => f,
    (f) => f,
    olderLeftOut,
  );
}

/** Rows are written only by `append`, from frames this server built. */
function decode(row: { frame: string }): HistoryFrame {
  return JSON.parse(row.frame) as HistoryFrame;
}
