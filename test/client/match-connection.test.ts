import { describe, expect, it } from "vitest";
import { recentNote } from "../../src/client/core/match-connection";

describe("why the line does not move", () => {
  it("says when everyone else waiting is someone the person just talked to", () => {
    expect(recentNote(2, 1)).toBe(
      "the only other person waiting is someone you just talked to; you will be matched with the next new person",
    );
    expect(recentNote(3, 2)).toMatch(/^everyone else waiting is someone you just talked to;/);
    expect(recentNote(4, 1)).toBe("1 person waiting is someone you just talked to");
  });

  it("says nothing when no recent partner waits", () => {
    expect(recentNote(1, 0)).toBe("");
    expect(recentNote(5, 0)).toBe("");
  });
});
