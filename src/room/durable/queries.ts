import { HISTORY_PAGE_MAX, SEARCH_PAGE_MAX } from "../../protocol";
import type { HistoryStore } from "../store/history";
import type { Members } from "./members";

export interface RoomInfo {
  room: string;
  userCount: number;
  users: string[];
  lastMessageAt: number | null;
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
    return {
      room,
      userCount: roster.size,
      users: [...roster.values()].sort((a, b) => a.connectedAt - b.connectedAt).map((m) => m.username),
      lastMessageAt: this.#history.lastMessageAt(),
    };
  }

  /** A page of scrollback, oldest first: before an id (older), or after one (filling a gap). */
  historyPage(before: number | undefined, limit: number, after?: number) {
    const size = Math.min(Math.max(1, limit), HISTORY_PAGE_MAX);
    return after === undefined ? this.#history.page(before, size) : this.#history.pageAfter(after, size);
  }

  /** v1.9: chat messages matching a person's words, newest first, below an id. */
  search(words: string, before: number | undefined, limit: number) {
    return this.#history.search(words, before, Math.min(Math.max(1, limit), SEARCH_PAGE_MAX));
  }
}
