import { describe, expect, it } from "vitest";
import { line, queries, random, vocabulary } from "../../bench/search-corpus";

describe("the search benchmark's room and queries", () => {
  it("are the same from run to run, so runs compare", () => {
    const words = vocabulary(5_000);
    expect(words).toHaveLength(5_000);
    expect(new Set(words).size).toBe(5_000);
    expect(queries(words, 8)).toEqual(queries(vocabulary(5_000), 8));
    const a = random(3);
    const b = random(3);
    expect(line(words, a)).toBe(line(words, b));
  });

  it("ask a common word, a rare one, two words and a prefix in turn", () => {
    const words = vocabulary(5_000);
    const [common, rare, two, prefix] = queries(words, 4);
    expect(words.indexOf(common ?? "")).toBeLessThan(50);
    expect(words.indexOf(rare ?? "")).toBeGreaterThanOrEqual(2_500);
    expect(two?.split(" ")).toHaveLength(2);
    expect(words.some((w) => w !== prefix && w.startsWith(prefix ?? "-"))).toBe(true);
  });
});
