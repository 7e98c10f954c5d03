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
): Promise<RoomsFound> {
  const query = new URLSearchParams({ q: words, limit: String(limit) });
  const answers = await Promise.all(
    rooms.map(async (room) => {
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
  let hasMore = false;
  for (const { room, status, page } of answers) {
    if (page === null) {
      failed.push({ room, status });
      continue;
    }
    found.push(...page.results.map((hit) => ({ ...hit, room })));
    hasMore ||= page.hasMore;
  }
  found.sort((a, b) => b.ts - a.ts || b.id - a.id);
  return { results: found.slice(0, limit), hasMore: hasMore || found.length > limit, failed };
}
