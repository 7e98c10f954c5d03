import * as v from "valibot";
import { SEARCH_PAGE_DEFAULT, SEARCH_PAGE_MAX, SEARCH_QUERY_MAX } from "../../protocol";

/** v1.9: a search's query: the person's words, results with ids below `before`, at most `limit`. */
export interface SearchQuery {
  q: string;
  before: number | undefined;
  limit: number;
}

export const SEARCH_QUERY_RULE = `q is 1-${SEARCH_QUERY_MAX} characters, not only spaces; before is a message id; limit is 1-${SEARCH_PAGE_MAX} (default ${SEARCH_PAGE_DEFAULT})`;

const id = v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number));

const Query = v.object({
  q: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(SEARCH_QUERY_MAX)),
  before: v.optional(id),
  limit: v.optional(v.pipe(id, v.minValue(1), v.maxValue(SEARCH_PAGE_MAX)), String(SEARCH_PAGE_DEFAULT)),
});

/** The query of `/api/rooms/:room/search`; null when it breaks `SEARCH_QUERY_RULE`. An empty `before` is absent. */
export function searchQuery(query: (name: string) => string | undefined): SearchQuery | null {
  const given = (name: string) => {
    const value = query(name);
    return value === "" ? undefined : value;
  };
  const parsed = v.safeParse(Query, { q: query("q") ?? "", before: given("before"), limit: given("limit") });
  if (!parsed.success) return null;
  const { q, before, limit } = parsed.output;
  return { q, before, limit };
}
