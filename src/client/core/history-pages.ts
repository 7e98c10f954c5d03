import { type HistoryPage, parseHistoryPage } from "../../protocol";

/** Which page: the entries before one id (scrolling back) or after one (filling a gap a resume left). */
export type PageQuery = { before: number; limit: number } | { after: number; limit: number };

/**
 * One page of a room's stored history from the worker's HTTP API. Throws
 * when it cannot be had or is not a history page, so the view says the load
 * failed and offers it again instead of drawing half of something.
 */
export async function fetchHistoryPage(
  room: string,
  /** v1.9: another history route (a conversation's); the room's when absent. */
  path: string | undefined,
  query: PageQuery,
): Promise<HistoryPage> {
  const where = "before" in query ? `before=${query.before}` : `after=${query.after}`;
  const base = path ?? `/api/rooms/${encodeURIComponent(room)}/history`;
  const res = await fetch(`${base}?${where}&limit=${query.limit}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const page = parseHistoryPage(await res.json());
  if (!page) throw new Error("not a history page");
  return page;
}

/** v1.9: the page around one entry, and whether entries newer than it exist. */
export type AroundPage = HistoryPage & { hasNewer: boolean };

/**
 * v1.9: the entry `id` with what was said before and after it
 * (`?around=`), where a search result lands. Throws as `fetchHistoryPage` does.
 */
export async function fetchAroundPage(room: string, id: number, limit: number): Promise<AroundPage> {
  const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/history?around=${id}&limit=${limit}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body: unknown = await res.json();
  const page = parseHistoryPage(body);
  if (!page) throw new Error("not a history page");
  const hasNewer = typeof body === "object" && body !== null && "hasNewer" in body && body.hasNewer === true;
  return { ...page, hasNewer };
}
