import { describe, expect, it } from "vitest";
import { searchQuery } from "../../src/worker/routes/search-query";

const of = (query: Partial<Record<string, string>>) => searchQuery((name) => query[name]);

describe("a search's query", () => {
  it("takes the words, trimmed, and defaults to the newest 20", () => {
    expect(of({ q: "  deploy plan " })).toEqual({ q: "deploy plan", before: undefined, limit: 20 });
    expect(of({ q: "x", before: "", limit: "" })).toEqual({ q: "x", before: undefined, limit: 20 });
  });

  it("reads a cursor and a limit", () => {
    expect(of({ q: "x", before: "1200", limit: "50" })).toEqual({ q: "x", before: 1200, limit: 50 });
  });

  it.each([
    {},
    { q: "" },
    { q: "   " },
    { q: "x".repeat(201) },
    { q: "x", limit: "0" },
    { q: "x", limit: "51" },
    { q: "x", before: "-1" },
    { q: "x", before: "1e3" },
  ])("refuses %o", (query) => {
    expect(of(query)).toBeNull();
  });
});
