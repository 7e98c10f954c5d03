/** Words of a query that count; more are ignored, so a pasted paragraph costs no more than a sentence. */
export const SEARCH_WORDS_MAX = 16;

/** The last word matches as a prefix from this many characters on: typing "hel" finds "hello". */
export const SEARCH_PREFIX_FROM = 3;

/**
 * A person's search words as an FTS5 query that can only mean those words
 * (v1.9). Each whitespace-separated word becomes a quoted string, inner quotes
 * doubled, so nothing in it is FTS5 syntax: `NEAR(a b)`, `a OR b`, `-x`, `*`
 * and stray quotes or parentheses are all just words. The words must all
 * appear (FTS5 joins quoted strings with AND); the last one, when its last
 * token has 3 characters or more, also matches as a prefix. A word with no letter or digit
 * (`*`, `-`, `)`) would match nothing, so it is left out; null when no word
 * is left: nothing can match.
 */
export function searchMatch(query: string): string | null {
  const words = query
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, SEARCH_WORDS_MAX);
  if (words.length === 0) return null;
  return words
    .map((word, i) => {
      const quoted = `"${word.replaceAll('"', '""')}"`;
      // The star applies to the word's last token ("don't" ends in "t"): a short one would match half the vocabulary.
      const lastToken = word.match(/[\p{L}\p{N}]+/gu)?.at(-1) ?? "";
      return i === words.length - 1 && [...lastToken].length >= SEARCH_PREFIX_FROM ? `${quoted}*` : quoted;
    })
    .join(" ");
}
