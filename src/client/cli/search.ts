import { STATUS_CODES } from "node:http";
import { parseSearchPage, type SearchHit, snippetParts } from "../../protocol";
import { type Answer, type Fetch, get } from "./account-http";
import { clock, type Palette, roomLabel } from "./format";

/**
 * `/search words` (v1.9): the current room's messages that match, as the
 * room's search endpoint gives them, newest first.
 */

/** Results asked for at a time. */
export const SEARCH_LIMIT = 20;

export type SearchResult = SearchHit;

export type SearchOutcome =
  | { kind: "found"; results: SearchResult[]; hasMore: boolean }
  | Exclude<Answer, { kind: "ok" }>
  | { kind: "garbled" };

/** Reads an answer's body; anything but the documented shape is `garbled`, never half-printed. */
export function searchOutcome(answer: Answer): SearchOutcome {
  if (answer.kind !== "ok") return answer;
  const page = parseSearchPage(answer.body);
  return page === null ? { kind: "garbled" } : { kind: "found", ...page };
}

/** Asks `server` (an http(s) origin) for `room`'s messages matching `words`. */
export async function searchRoom(
  fetch: Fetch,
  server: string,
  room: string,
  words: string,
  token?: string,
): Promise<SearchOutcome> {
  const query = new URLSearchParams({ q: words, limit: String(SEARCH_LIMIT) });
  return searchOutcome(await get(fetch, server, `/api/rooms/${encodeURIComponent(room)}/search?${query}`, token));
}

/** The time of a result: the clock for today's, the date too for older ones. */
function when(ts: number, now: number): string {
  const d = new Date(ts);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return clock(ts);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock(ts)}`;
}

/** A snippet on one line, its matched words highlighted and no marker left in it. */
export function snippetText(snippet: string, c: Palette): string {
  return snippetParts(snippet.replace(/\n/g, " ⏎ "))
    .map((part) => (part.hit ? c.hit(part.text) : part.text))
    .join("");
}

/** What a search printed: a heading and one line per result, or why there is none. */
export function searchLines(
  outcome: SearchOutcome,
  words: string,
  room: string,
  c: Palette,
  o: { ids?: boolean } = {},
  now = Date.now(),
): string[] {
  const asked = `${JSON.stringify(words)} in ${roomLabel(room)}`;
  switch (outcome.kind) {
    case "found": {
      const { results, hasMore } = outcome;
      if (results.length === 0) return [c.system(`* no matches for ${asked}`)];
      const count = `${results.length}${hasMore ? "+" : ""} ${results.length === 1 && !hasMore ? "match" : "matches"}`;
      const more = hasMore ? `; only the newest ${results.length} shown` : "";
      return [
        c.system(`* ${count} for ${asked}, newest first${more}`),
        ...results.map((r) => {
          const parts = [c.dim(`[${when(r.ts, now)}]`)];
          if (o.ids) parts.push(c.dim(`#${r.id}`));
          parts.push(c.bold(`<${r.username}>`), snippetText(r.snippet, c));
          return parts.join(" ");
        }),
      ];
    }
    case "refused": {
      const status = `HTTP ${outcome.status}${STATUS_CODES[outcome.status] ? ` ${STATUS_CODES[outcome.status]}` : ""}`;
      if (outcome.status === 403) {
        return [c.error(`! cannot search ${roomLabel(room)}: its history is private (${status}, ${outcome.code})`)];
      }
      if (outcome.status === 404 && outcome.code === "http_404") {
        return [c.error(`! cannot search ${roomLabel(room)}: this server has no search (${status})`)];
      }
      return [c.error(`! search failed: ${outcome.code}: ${outcome.message} (${status})`)];
    }
    case "unreachable":
      return [c.error(`! search failed: could not reach the server (${outcome.reason})`)];
    case "garbled":
      return [c.error("! search failed: the server's answer was not a list of results")];
  }
}
