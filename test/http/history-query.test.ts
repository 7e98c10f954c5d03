import { describe, expect, it } from "vitest";
import { historyQuery } from "../../src/worker/routes/history-query";

const of = (query: Partial<Record<string, string>>) => historyQuery((name) => query[name]);

describe("a history page's query", () => {
  it("defaults to the newest page of 50", () => {
    expect(of({})).toEqual({ before: undefined, after: undefined, limit: 50 });
    expect(of({ before: "", limit: "" })).toEqual({ before: undefined, after: undefined, limit: 50 });
  });

  it("reads a cursor on either side and a limit", () => {
    expect(of({ before: "120", limit: "100" })).toEqual({ before: 120, after: undefined, limit: 100 });
    expect(of({ after: "0", limit: "1" })).toEqual({ before: undefined, after: 0, limit: 1 });
  });

  it("reads a message to land on, with what was said around it", () => {
    expect(of({ around: "42", limit: "20" })).toEqual({ before: undefined, after: undefined, around: 42, limit: 20 });
  });

  it.each([
    { limit: "0" },
    { limit: "101" },
    { limit: "abc" },
    { before: "-1" },
    { before: "1.5" },
    { after: "1e3" },
    { before: "1".repeat(16) },
    { before: "5", after: "2" },
    { around: "5", before: "9" },
    { around: "x" },
  ])("refuses %o", (query) => {
    expect(of(query)).toBeNull();
  });
});
