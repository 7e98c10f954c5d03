import { LazyTable, tableExists } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import { ServerType } from "../../protocol";

/** One match, newest first in a page: `snippet` marks each matched word between `SNIPPET_OPEN` and `SNIPPET_CLOSE`. */
export interface SearchHit {
  id: number;
  ts: number;
  username: string;
  snippet: string;
}

/** v1.9: a page of search results, newest first. */
export interface SearchPage {
  results: SearchHit[];
  hasMore: boolean;
}

/**
 * v1.9: where a matched word starts and ends in a snippet: U+E000 and U+E001,
 * from Unicode's private use area. The index holds each message with those two
 * replaced by U+FFFD, so in a snippet they can only be the room's marks.
 */
export const SNIPPET_OPEN = "\uE000";
export const SNIPPET_CLOSE = "\uE001";
/** Where a snippet leaves text out. */
const ELLIPSIS = "…";
/** Tokens a snippet shows around its matches. */
const SNIPPET_TOKENS = 16;

/** A message's text as indexed: the snippet marks cannot occur in it. */
const INDEXED_TEXT = (text: string) => `replace(replace(${text}, char(57344), char(65533)), char(57345), char(65533))`;

/**
 * The room's chat messages, searchable (v1.9): an FTS5 table in the room's own
 * SQLite whose rowid is the message's id, kept in step with the history by
 * the history's own writes (a message, its edit, its deletion, a prune).
 *
 * It keeps its own copy of each text, so `snippet()` reads no JSON, and an
 * edit or a prune removes a row by its rowid without the history's old text.
 * Tokens are `unicode61` with diacritics removed ("cafe" finds "café"), case
 * folded; a 3-character prefix index makes the last word's prefix match cheap.
 * Notices and DMs are never indexed.
 *
 * Created on the first chat message, like the other tables; a room from
 * before search gets every message it holds indexed then.
 */
export class SearchStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "search", [
      `CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
        body,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3'
      )`,
    ]);
  }

  /** Indexes a new message; call before its history row is written (a first index is built from the rows before it). */
  add(id: number, text: string): void {
    const first = !this.#table.exists();
    this.#table.ensure();
    if (first && tableExists(this.#sql, "history")) {
      this.#sql.exec(
        `INSERT INTO search (rowid, body)
         SELECT id, ${INDEXED_TEXT("json_extract(frame, '$.payload.message')")} FROM history
         WHERE type = ? AND json_extract(frame, '$.payload.deleted') IS NULL`,
        ServerType.chatMessage,
      );
    }
    this.#sql.exec(`INSERT INTO search (rowid, body) VALUES (?, ${INDEXED_TEXT("?")})`, id, text);
  }

  /** An edit: the message is found by its new words only. A deletion (`null`): it is found no more. */
  replace(id: number, text: string | null): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("DELETE FROM search WHERE rowid = ?", id);
    if (text !== null) this.#sql.exec(`INSERT INTO search (rowid, body) VALUES (?, ${INDEXED_TEXT("?")})`, id, text);
  }

  /** Messages pruned from the history leave the index: a range on rowids. */
  pruneBefore(id: number): void {
    if (this.#table.exists()) this.#sql.exec("DELETE FROM search WHERE rowid < ?", id);
  }

  /**
   * Up to `limit` messages matching `match` (an FTS5 query from
   * `searchMatch`) with ids below `before`, newest first: FTS5 walks its
   * index in rowid order and stops at the page's end.
   */
  find(match: string, before: number | undefined, limit: number): SearchPage {
    if (!this.#table.exists()) return { results: [], hasMore: false };
    const rows = this.#sql
      .exec<{ id: number; ts: number; username: string; snippet: string }>(
        `SELECT h.id AS id, h.ts AS ts, json_extract(h.frame, '$.payload.username') AS username,
           snippet(search, 0, ?, ?, ?, ?) AS snippet
         FROM search JOIN history h ON h.id = search.rowid
         WHERE search MATCH ? AND search.rowid < ?
         ORDER BY search.rowid DESC LIMIT ?`,
        SNIPPET_OPEN,
        SNIPPET_CLOSE,
        ELLIPSIS,
        SNIPPET_TOKENS,
        match,
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    return { results: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** The storage was wiped. */
  forget(): void {
    this.#table.forget();
  }
}
