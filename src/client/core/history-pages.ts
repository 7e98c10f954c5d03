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
