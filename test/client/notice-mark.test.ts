import { describe, expect, it } from "vitest";
import { markAfter } from "../../src/client/core/notice-mark";

/** The text with the mark shown as ✓ where it goes, or as it is when it goes nowhere. */
const marked = (text: string, username: string) => {
  const at = markAfter(text, username);
  return at === null ? text : `${text.slice(0, at)}✓${text.slice(at)}`;
};

describe("the verified mark on a join or leave notice", () => {
  it("follows the name of the one person the notice is about", () => {
    expect(marked("alice joined", "alice")).toBe("alice✓ joined");
  });

  it("goes on that person's own name in a run told in short, not on the first name", () => {
    expect(marked("mallory, alice left", "alice")).toBe("mallory, alice✓ left");
    expect(marked("alice, bo, cy joined", "alice")).toBe("alice✓, bo, cy joined");
  });

  it("goes nowhere when the person is among those only counted", () => {
    expect(marked("bo, cy, di and 6 more joined", "alice")).toBe("bo, cy, di and 6 more joined");
  });

  it("is not put on a longer name that merely contains the person's", () => {
    expect(marked("malice, alice left", "alice")).toBe("malice, alice✓ left");
    expect(marked("al, b,al left", "al")).toBe("al✓, b,al left");
  });
});
