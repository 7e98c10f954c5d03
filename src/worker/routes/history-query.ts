import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from "../../protocol";

import type { HistoryQuery } from "../../room/durable/queries";

export type { HistoryQuery };

export const HISTORY_QUERY_RULE = `before, after or around is a message id (one of them); limit is 1-${HISTORY_PAGE_MAX} (default ${HISTORY_PAGE_DEFAULT})`;

/** The query of `/api/rooms/:room/history`; null when it breaks `HISTORY_QUERY_RULE`. */
export function historyQuery(query: (name: string) => string | undefined): HistoryQuery | null {
  const before = optionalInteger(query("before"));
  const after = optionalInteger(query("after"));
  const around = optionalInteger(query("around"));
  const limit = optionalInteger(query("limit"));
  if (before === null || after === null || around === null || limit === null) return null;
  if (limit !== undefined && (limit < 1 || limit > HISTORY_PAGE_MAX)) return null;
  if ([before, after, around].filter((id) => id !== undefined).length > 1) return null;
  return { before, after, ...(around === undefined ? {} : { around }), limit: limit ?? HISTORY_PAGE_DEFAULT };
}

/** `undefined` when absent, `null` when present but not a non-negative integer. */
function optionalInteger(value: string | undefined): number | undefined | null {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
