import { HISTORY_PAGE_MAX, type HistoryFrame, SEARCH_PAGE_MAX } from "../../protocol";
import type { HiddenAuthor, HistoryStore } from "../store/history";
import type { Members } from "./members";

/** Names `GET /api/rooms/:room` gives at most; `userCount` counts everyone. */
export const INFO_NAMES_MAX = 500;

export interface RoomInfo {
  room: string;
  userCount: number;
  users: string[];
  lastMessageAt: number | null;
}

/**
 * A page of scrollback: entries before an id (older), after one (filling a
 * gap), or around one (v1.9: a search result with what was said about it);
 * at most `limit`. One of the three ids at most; none: the newest page.
 */
export interface HistoryQuery {
  before: number | undefined;
  after: number | undefined;
  around?: number | undefined;
  limit: number;
}

/** The worker's read-only calls: who is here, pages of scrollback, search. They join nothing. */
export class RoomQueries {
  readonly #members: Members;
  readonly #history: HistoryStore;

  constructor(members: Members, history: HistoryStore) {
    this.#members = members;
    this.#history = history;
  }

  /** Who is here and when the room last spoke. */
  info(room: string): RoomInfo {
    const { roster } = this.#members.get();
    // A room of 100,000 is not listed whole to anyone who asks: some names, and the exact count.
    const some = [];
    for (const member of roster.values()) {
      if (some.length === INFO_NAMES_MAX) break;
      some.push(member);
    }
    return {
      room,
      userCount: roster.size,
      users: some.sort((a, b) => a.connectedAt - b.connectedAt).map((m) => m.username),
      lastMessageAt: this.#history.lastMessageAt(),
    };
  }

  /** A page of scrollback, oldest first: before an id (older), or after one (filling a gap). */
  historyPage(
    query: HistoryQuery,
    hidden?: HiddenAuthor,
  ): { messages: HistoryFrame[]; hasMore: boolean; hasNewer?: boolean } {
    const size = Math.min(Math.max(1, query.limit), HISTORY_PAGE_MAX);
    if (query.after !== undefined) return this.#history.pageAfter(query.after, size, hidden);
    if (query.around === undefined) return this.#history.page(query.before, size, hidden);
    // Older half up to and with the message itself, the newer half after it: the reader lands on it in context.
    const older = this.#history.page(query.around + 1, Math.ceil(size / 2), hidden);
    const newer = this.#history.pageAfter(query.around, Math.floor(size / 2), hidden);
    return { messages: [...older.messages, ...newer.messages], hasMore: older.hasMore, hasNewer: newer.hasMore };
  }

  /** v1.9: chat messages matching a person's words, newest first, below an id. */
  search(words: string, before: number | undefined, limit: number) {
    return this.#history.search(words, before, Math.min(Math.max(1, limit), SEARCH_PAGE_MAX));
  }
}
