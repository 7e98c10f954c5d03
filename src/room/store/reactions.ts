import { tableExists } from "../../platform/lazy-table";
import type { Sql, SqlValue } from "../../platform/sql";
import { type Reactions, ServerType } from "../../protocol";
import type { Effect } from "../core/effects";
import type { ReactionLookup } from "../core/state";

/** A message's reactions: emoji, in the order first used, to session, in the order reacted, to the name shown. */
export type ReactionSet = Map<string, Map<string, string>>;

/** One reaction added or taken back. */
export type ReactionChange = Omit<Extract<Effect, { kind: "react" }>, "kind">;

/**
 * Reactions in SQLite, apart from the messages they are on: a row per
 * person (session) and emoji on a message, with the name it is shown under,
 * and per emoji how many there are and when it was first used (the rowid of
 * the reaction that brought it). The 20-emoji limit, "did this person react
 * already" and the order are read on keys, from at most 20 rows, so a toggle
 * is a few indexed statements with 3 reactions on the message or 3,000, and
 * the message itself is never rewritten.
 *
 * The tables are made with the history (`addReactionTables`), so callers
 * use this only where the history exists.
 */
export class ReactionStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** How a session's reaction with `emoji` stands on message `id`. */
  lookup(id: number, emoji: string, session: string): ReactionLookup {
    const mine =
      this.#sql
        .exec<{ username: string }>(
          "SELECT username FROM reactions WHERE message_id = ? AND emoji = ? AND session = ?",
          id,
          emoji,
          session,
        )
        .toArray()[0]?.username ?? null;
    const used = this.#sql
      .exec<{ emoji: string }>("SELECT emoji FROM reaction_counts WHERE message_id = ?", id)
      .toArray();
    return { mine, present: used.some((row) => row.emoji === emoji), distinct: used.length };
  }

  toggle({ id, emoji, session, username, on, at }: ReactionChange): void {
    if (on) {
      this.#sql.exec(
        "INSERT INTO reactions (message_id, emoji, session, username, at) VALUES (?, ?, ?, ?, ?)",
        id,
        emoji,
        session,
        username,
        at,
      );
      // A new emoji is ordered by the row just written: after every emoji already on the message.
      this.#sql.exec(
        `INSERT INTO reaction_counts (message_id, emoji, n, first) VALUES (?, ?, 1, last_insert_rowid())
         ON CONFLICT (message_id, emoji) DO UPDATE SET n = n + 1`,
        id,
        emoji,
      );
      return;
    }
    this.#sql.exec("DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND session = ?", id, emoji, session);
    this.#sql.exec("UPDATE reaction_counts SET n = n - 1 WHERE message_id = ? AND emoji = ?", id, emoji);
    // An emptied emoji goes, so one used again comes last.
    this.#sql.exec("DELETE FROM reaction_counts WHERE message_id = ? AND emoji = ? AND n <= 0", id, emoji);
  }

  /** The reactions of the messages with ids from `first` to `last`, in one query. */
  between(first: number, last: number): Map<number, ReactionSet> {
    return this.#where("r.message_id BETWEEN ? AND ?", first, last);
  }

  /** The reactions of the messages a resume from `since` is told about (`revisions`), in one query. */
  changedSince(since: number): Map<number, ReactionSet> {
    return this.#where("r.message_id IN (SELECT message_id FROM revisions WHERE at >= ?1 AND message_id <= ?1)", since);
  }

  /** A deleted message keeps none. */
  removeAll(id: number): void {
    this.#sql.exec("DELETE FROM reactions WHERE message_id = ?", id);
    this.#sql.exec("DELETE FROM reaction_counts WHERE message_id = ?", id);
  }

  /** Messages pruned from the history take their reactions with them. */
  pruneBefore(id: number): void {
    this.#sql.exec("DELETE FROM reactions WHERE message_id < ?", id);
    this.#sql.exec("DELETE FROM reaction_counts WHERE message_id < ?", id);
  }

  /** Emoji in the order each was first used, people in the order they reacted. */
  #where(condition: string, ...bindings: SqlValue[]): Map<number, ReactionSet> {
    const found = new Map<number, ReactionSet>();
    const rows = this.#sql.exec<{ id: number; emoji: string; session: string; username: string }>(
      `SELECT r.message_id AS id, r.emoji AS emoji, r.session AS session, r.username AS username
       FROM reactions r JOIN reaction_counts c ON c.message_id = r.message_id AND c.emoji = r.emoji
       WHERE ${condition} ORDER BY r.message_id, c.first, r.rowid`,
      ...bindings,
    );
    for (const { id, emoji, session, username } of rows) {
      const set = found.get(id) ?? new Map<string, Map<string, string>>();
      found.set(id, set);
      const who = set.get(emoji) ?? new Map<string, string>();
      set.set(emoji, who);
      who.set(session, username);
    }
    return found;
  }
}

const REACTION_TABLES = [
  `CREATE TABLE IF NOT EXISTS reactions (
    message_id INTEGER NOT NULL,
    emoji TEXT NOT NULL,
    session TEXT NOT NULL,
    username TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji, session)
  )`,
  `CREATE TABLE IF NOT EXISTS reaction_counts (
    message_id INTEGER NOT NULL,
    emoji TEXT NOT NULL,
    n INTEGER NOT NULL,
    first INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji)
  ) WITHOUT ROWID`,
];

/**
 * Made with the history. Rooms from before kept each message's reactions in
 * its stored frame, by name: once, when the tables are made, those become
 * rows (at most the ~1,100 chat messages a room kept then), in the order they were
 * listed, under a session no connection can have (sessions hold no `:`), so
 * nobody who takes such a name later can take them back; and the frames
 * are rewritten without them.
 */
export function addReactionTables(db: Sql): void {
  if (tableExists(db, "reactions")) return;
  for (const statement of REACTION_TABLES) db.exec(statement);
  const listed = "json_extract(frame, '$.payload.reactions') IS NOT NULL";
  db.exec(
    `INSERT OR IGNORE INTO reactions (message_id, emoji, session, username, at)
     SELECT h.id, e.key, 'name:' || n.value, n.value, h.ts
     FROM history h, json_each(h.frame, '$.payload.reactions') e, json_each(e.value) n
     WHERE h.type = ? AND ${listed} ORDER BY h.id, e.id, n.id`,
    ServerType.chatMessage,
  );
  db.exec(
    `INSERT INTO reaction_counts (message_id, emoji, n, first)
     SELECT message_id, emoji, count(*), min(rowid) FROM reactions GROUP BY message_id, emoji`,
  );
  db.exec(
    `UPDATE history SET frame = json_remove(frame, '$.payload.reactions') WHERE type = ? AND ${listed}`,
    ServerType.chatMessage,
  );
}

/** A message's reactions with one changed, as `toggle` changes the rows. */
export function toggled(set: ReactionSet, { emoji, session, username, on }: ReactionChange): ReactionSet {
  const who = set.get(emoji) ?? new Map<string, string>();
  if (on) who.set(session, username);
  else who.delete(session);
  if (who.size > 0) set.set(emoji, who);
  else set.delete(emoji);
  return set;
}

/** Reactions as the wire carries them: names only, never a session. */
export function asReactions(set: ReactionSet): Reactions {
  const reactions: Reactions = {};
  for (const [emoji, who] of set) reactions[emoji] = [...who.values()];
  return reactions;
}
