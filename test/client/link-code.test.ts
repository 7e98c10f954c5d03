import { describe, expect, it } from "vitest";
import { linkCode, linkValidText } from "../../src/client/web/link-code";

describe("the code of an add-a-device link", () => {
  it("is read from the fragment, with or without its #", () => {
    const code = `${"ab12".repeat(16)}.${"x_Y-".repeat(10)}abc`;
    expect(linkCode(`#${code}`)).toBe(code);
    expect(linkCode(code)).toBe(code);
  });

  it("survives a copy that percent-encoded it or added spaces", () => {
    expect(linkCode("#%20abc.def%20")).toBe("abc.def");
  });

  it("is null when the fragment is empty or mangled", () => {
    for (const hash of ["", "#", "#abc", "#abc.", "#.def", "#a.b.c", "#abc.d ef", "#%E0%A4%A"]) {
      expect(linkCode(hash)).toBeNull();
    }
  });
});

describe("how long an add-a-device link works", () => {
  const clock = (at: number) => `t${at}`;

  it("says the minutes left, that it works once, and when it ends", () => {
    expect(linkValidText(600_000, 0, clock)).toMatch(/^Valid for 10 minutes, once \(until t600000\)\./);
  });

  it("never says less than a minute", () => {
    expect(linkValidText(1_000, 0, clock)).toMatch(/^Valid for 1 minute, once/);
  });
});
