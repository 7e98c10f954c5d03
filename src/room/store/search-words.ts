/** Distinct tokens of a query that count; more are ignored, so a pasted paragraph costs no more than a sentence. */
export const SEARCH_WORDS_MAX = 16;

/** The last word matches as a prefix from this many characters on: typing "hel" finds "hello". */
export const SEARCH_PREFIX_FROM = 3;

/** A token as the index cuts text (unicode61): a run of letters, digits and their marks. */
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * A person's search words as an FTS5 query that can only mean those words
 * (v1.9). The query is cut into tokens as the index cuts text, and each
 * distinct token becomes a quoted string, so nothing in it is FTS5 syntax:
 * `NEAR(a b)`, `a OR b`, `-x`, `*` and stray quotes or parentheses are all
 * just words, and all of them must appear (FTS5 joins quoted strings with
 * AND). Counting tokens, not words, bounds the work: `i.i.i.i…` is one token,
 * not a phrase of a hundred, each scanning most of the room. The last token,
 * from 3 characters on, also matches as a prefix. Null when no token is
 * left: nothing can match.
 */
export function searchMatch(query: string): string | null {
  const all = query.match(TOKEN) ?? [];
  const tokens = [...new Map(all.map((t) => [t.toLowerCase(), t])).values()].slice(0, SEARCH_WORDS_MAX);
  if (tokens.length === 0) return null;
  const last = all.at(-1) ?? "";
  return tokens
    .map((token, i) => {
      const quoted = `"${token}"`;
      const isLast = i === tokens.length - 1 && token.toLowerCase() === last.toLowerCase();
      return isLast && [...token].length >= SEARCH_PREFIX_FROM ? `${quoted}*` : quoted;
    })
    .join(" ");
}
