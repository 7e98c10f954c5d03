import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from "../../protocol";

/** A history page's query: entries before or after an id (not both), at most `limit`. */
export interface HistoryQuery {
  before: number | undefined;
  after: number | undefined;
  limit: number;
}

export const HISTORY_QUERY_RULE = `before or after is a message id (not both); limit is 1-${HISTORY_PAGE_MAX} (default ${HISTORY_PAGE_DEFAULT})`;

/** The query of `/api/rooms/:room/history`; null when it breaks `HISTORY_QUERY_RULE`. */
export function historyQuery(query: (name: string) => string | undefined): HistoryQuery | null {
  const before = optionalInteger(query("before"));
  const after = optionalInteger(query("after"));
  const limit = optionalInteger(query("limit"));
  if (before === null || after === null || limit === null) return null;
  if (limit !== undefined && (limit < 1 || limit > HISTORY_PAGE_MAX)) return null;
  if (before !== undefined && after !== undefined) return null;
  return { before, after, limit: limit ?? HISTORY_PAGE_DEFAULT };
}

/** `undefined` when absent, `null` when present but not a non-negative integer. */
function optionalInteger(value: string | undefined): number | undefined | null {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
