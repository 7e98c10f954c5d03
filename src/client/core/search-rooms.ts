import { parseSearchPage, type SearchHit } from "../../protocol";

/** A match and the room it was said in. */
export type RoomHit = SearchHit & { room: string };

/** What searching several rooms found: the newest matches across them, and the rooms that could not answer. */
export interface RoomsFound {
  results: RoomHit[];
  /** Some room has older matches than those shown. */
  hasMore: boolean;
  /** Rooms that did not answer, each with why (an HTTP status, or 0 when unreachable). */
  failed: { room: string; status: number }[];
  /** Rooms with matches not yet shown: those past `limit` here, or older ones the room still holds. */
  unfinished: string[];
}

/** Answers a search URL's body (and status): the page's fetch, or a test's. */
export type SearchFetch = (path: string) => Promise<{ status: number; body: unknown }>;

/**
 * Searches `rooms` for `words` at once and merges what they find, newest
 * first, keeping `limit`. A room that fails (private, gone, offline) is
 * named in `failed`, never dropped in silence; the rest still answer.
 */
export async function searchRooms(
  fetch: SearchFetch,
  rooms: readonly string[],
  words: string,
  limit: number,
  /** Where each room's page starts (its `before`): the next page after an earlier search's. */
  before: ReadonlyMap<string, number> = new Map(),
): Promise<RoomsFound> {
  const answers = await Promise.all(
    rooms.map(async (room) => {
      const query = new URLSearchParams({ q: words, limit: String(limit) });
      const from = before.get(room);
      if (from !== undefined) query.set("before", String(from));
      try {
        const { status, body } = await fetch(`/api/rooms/${encodeURIComponent(room)}/search?${query}`);
        const page = status === 200 ? parseSearchPage(body) : null;
        return page === null ? { room, status, page: null } : { room, status, page };
      } catch {
        return { room, status: 0, page: null };
      }
    }),
  );
  const found: RoomHit[] = [];
  const failed: RoomsFound["failed"] = [];
  const unfinished = new Set<string>();
  for (const { room, status, page } of answers) {
    if (page === null) {
      failed.push({ room, status });
      continue;
    }
    found.push(...page.results.map((hit) => ({ ...hit, room })));
    if (page.hasMore) unfinished.add(room);
  }
  found.sort((a, b) => b.ts - a.ts || b.id - a.id);
  for (const cut of found.slice(limit)) unfinished.add(cut.room);
  return {
    results: found.slice(0, limit),
    hasMore: unfinished.size > 0,
    failed,
    unfinished: rooms.filter((room) => unfinished.has(room)),
  };
}

/** The rooms "More results" asks, and where each goes on from. */
export interface NextPages {
  rooms: string[];
  before: Map<string, number>;
}

/**
 * Where "More results" goes on from: each room with matches not yet shown,
 * from below the oldest of its matches shown so far. A room none of whose
 * matches made it in keeps the start it had, so nothing is skipped.
 */
export function nextPages(found: RoomsFound, before: ReadonlyMap<string, number>): NextPages {
  const next = new Map<string, number>();
  for (const room of found.unfinished) {
    let oldest = before.get(room);
    for (const hit of found.results)
      if (hit.room === room && (oldest === undefined || hit.id < oldest)) oldest = hit.id;
    if (oldest !== undefined) next.set(room, oldest);
  }
  return { rooms: found.unfinished, before: next };
}
