import { describe, expect, it } from "vitest";
import { SEARCH_WORDS_MAX, searchMatch } from "../../src/room/store/search-words";

describe("a person's search words as an FTS5 query", () => {
  it("quotes every word, so all must appear, and lets the last one match as a prefix from 3 characters", () => {
    expect(searchMatch("deploy plan")).toBe('"deploy" "plan"*');
    expect(searchMatch("  hel ")).toBe('"hel"*');
    expect(searchMatch("go to")).toBe('"go" "to"');
  });

  it("turns FTS5 syntax into words: quotes doubled, operators quoted like any word", () => {
    expect(searchMatch('say "hi"')).toBe('"say" """hi"""');
    expect(searchMatch("NEAR(a b)")).toBe('"NEAR(a" "b)"');
    expect(searchMatch("a OR b")).toBe('"a" "OR" "b"');
    expect(searchMatch("-secret")).toBe('"-secret"*');
    expect(searchMatch("col:value")).toBe('"col:value"*');
  });

  it("leaves out words with no letter or digit, and finds nothing when none is left", () => {
    expect(searchMatch("* - ) deploy")).toBe('"deploy"*');
    for (const words of ["", "   ", '"', "* - ( )", "…!?"]) expect(searchMatch(words)).toBeNull();
  });

  it("puts the star on the last token only when it is long enough", () => {
    expect(searchMatch("don't")).toBe(`"don't"`);
    expect(searchMatch("café!")).toBe('"café!"*');
  });

  it(`reads at most ${SEARCH_WORDS_MAX} words`, () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    expect(searchMatch(words)?.split(" ")).toHaveLength(SEARCH_WORDS_MAX);
  });
});
