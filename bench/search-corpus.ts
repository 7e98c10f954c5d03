/**
 * What the search benchmark says and asks, made up deterministically from a
 * seed: chat-like lines over a vocabulary where a few words are everywhere
 * and most are rare (a Zipf-like spread, as in real talk), and queries of
 * every kind a person types: a common word, a rare one, two words, a prefix.
 */

/** A small, fast PRNG (mulberry32): the same seed gives the same room and the same queries. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = (
  "the a to and of is it in i you that for on we this be have with are not at was so do but what can " +
  "just up like get will if all no about out there one go me my now time think know deploy build test " +
  "release meeting lunch coffee bug fix review merge branch server client room chat message search"
).split(" ");

const SYLLABLES = "ka lo mi ne ru sa ti vo ze pa qu der ion ent ast ber mor lin tra ven dal".split(" ");

/** `size` words: the common ones first, then made-up ones, so word `i` is about `1/i` as frequent as the first. */
export function vocabulary(size: number, seed = 1): string[] {
  const next = random(seed);
  const words = new Set(COMMON);
  while (words.size < size) {
    const n = 2 + Math.floor(next() * 3);
    let word = "";
    for (let i = 0; i < n; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words].slice(0, size);
}

/** A word drawn with Zipf-like odds: rank r is picked about 1/r as often as rank 1. */
function zipf(words: readonly string[], next: () => number): string {
  const rank = Math.floor(Math.exp(next() * Math.log(words.length)));
  return words[Math.min(words.length - 1, rank - 1)] ?? "";
}

/** Line `i` of the room: 4 to 15 words. */
export function line(words: readonly string[], next: () => number): string {
  const n = 4 + Math.floor(next() * 12);
  return Array.from({ length: n }, () => zipf(words, next)).join(" ");
}

/** `count` queries of four kinds in turn: a common word, a rare word, two words, the start of a word. */
export function queries(words: readonly string[], count: number, seed = 2): string[] {
  const next = random(seed);
  const pick = (from: number, to: number) => words[from + Math.floor(next() * (to - from))] ?? "";
  const common = () => pick(0, 50);
  const rare = () => pick(Math.floor(words.length / 2), words.length);
  const kinds = [
    common,
    rare,
    () => `${zipf(words, next)} ${zipf(words, next)}`,
    () => {
      const word = pick(50, words.length);
      return word.slice(0, 3 + Math.floor(next() * Math.max(1, word.length - 3)));
    },
  ];
  return Array.from({ length: count }, (_, i) => (kinds[i % kinds.length] ?? common)());
}
