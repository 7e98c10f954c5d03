import type { RosterView } from "./roster";

/**
 * How much of a message is looked at for mentions: its first 10 `@` tokens,
 * the first one whatever its length, the others while lookups worth 150
 * characters last, each lookup counting 8 more and a character outside
 * ASCII counting 6 (folding it needs Unicode normalization). Each lookup
 * folds the token by look, which costs per character, so a message made of
 * hundreds of `@` tokens costs about what a plain one does, and any one
 * name, however long, can always be mentioned first.
 */
export const MENTION_TOKENS_MAX = 10;
export const MENTION_CHARS_MAX = 150;

/**
 * The people a message names with `@name`, as the room spells their names.
 * Names are matched as they are for uniqueness (by look, in any case); a
 * token may end in punctuation that is not part of the name (`@bob,`), so
 * it is tried without its trailing marks, and first as written and without
 * only its punctuation (`@x😀,`) where a name here could end in a mark or a
 * symbol. The scan is one pass over the text, each `@` looked at once.
 */
export function mentionsIn(text: string, roster: RosterView): string[] {
  const found: string[] = [];
  const tried = new Set<string>();
  let budget = MENTION_CHARS_MAX;
  let tokens = 0;
  for (let at = text.indexOf("@"); at >= 0 && tokens < MENTION_TOKENS_MAX; at = text.indexOf("@", at + 1)) {
    // `a@b` is an address, not a mention: the @ must start the text or follow something not part of a word.
    if (at > 0 && isWordChar(text, at - 1)) continue;
    const token = tokenAt(text, at + 1);
    if (token === "") continue;
    tokens++;
    if (tried.has(token)) continue;
    const bare = withoutMarks(token, MARK);
    const candidates = [
      ...new Set(
        bare === token ? [token] : roster.hasMarkEndedNames ? [token, withoutMarks(token, PUNCTUATION), bare] : [bare],
      ),
    ].filter((c) => c !== "");
    const cost = candidates.reduce((sum, c) => sum + foldingCost(c), 0);
    if (tried.size > 0 && cost > budget) continue;
    tried.add(token);
    budget -= cost;
    for (const candidate of candidates) {
      const member = roster.byName(candidate);
      if (!member) continue;
      if (!found.includes(member.username)) found.push(member.username);
      break;
    }
    if (budget <= 0) break;
  }
  return found;
}

/** Longest token after an `@`, in UTF-16 units: a name of 32 characters with some punctuation after it. */
const MENTION_TOKEN_MAX = 40;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const MARK = /[\p{P}\p{S}]/u;
const PUNCTUATION = /\p{P}/u;

/** Whether the character ending at `end` (a UTF-16 index) is a letter, digit or underscore. */
function isWordChar(text: string, end: number): boolean {
  const code = text.charCodeAt(end);
  if (code < 0x80)
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  const start = code >= 0xdc00 && code <= 0xdfff && end > 0 ? end - 1 : end;
  return WORD_CHAR.test(text.slice(start, end + 1));
}

/** JavaScript's `\s`, by code unit, without a regular expression per character. */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The run of characters from `start` up to whitespace, another `@`, or the token's length limit. */
function tokenAt(text: string, start: number): string {
  let end = start;
  while (end < text.length && end - start < MENTION_TOKEN_MAX) {
    const code = text.charCodeAt(end);
    if (code === 64 || isSpace(code)) break;
    end++;
  }
  return text.slice(start, end);
}

/** What folding a candidate by look costs, in ASCII characters' worth. */
function foldingCost(candidate: string): number {
  let cost = 8;
  for (let i = 0; i < candidate.length; i++) cost += candidate.charCodeAt(i) < 0x80 ? 1 : 6;
  return cost;
}

/** The token with its trailing marks (those `mark` matches) taken off. */
function withoutMarks(token: string, mark: RegExp): string {
  let end = token.length;
  while (end > 0) {
    const code = token.charCodeAt(end - 1);
    if (code < 0x80 && mark === MARK) {
      if (!isAsciiMark(code)) break;
      end--;
      continue;
    }
    // A character outside the Basic Multilingual Plane (an emoji) is two UTF-16 units.
    const width = code >= 0xdc00 && code <= 0xdfff && end > 1 ? 2 : 1;
    if (!mark.test(token.slice(end - width, end))) break;
    end -= width;
  }
  return token.slice(0, end);
}

/** ASCII punctuation and symbols: everything printable that is not a letter, a digit or a space. */
function isAsciiMark(code: number): boolean {
  return (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126)
  );
}
