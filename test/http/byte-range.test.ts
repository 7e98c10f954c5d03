import { describe, expect, it } from "vitest";
import { byteRange } from "../../src/worker/files/range";

describe("a Range header, against a file of 10 bytes", () => {
  it("reads a closed range, an open one and a suffix", () => {
    expect(byteRange("bytes=2-5", 10)).toEqual({ start: 2, end: 5 });
    expect(byteRange("bytes=4-", 10)).toEqual({ start: 4, end: 9 });
    expect(byteRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
  });

  it("ends a range that runs past the file at its last byte", () => {
    expect(byteRange("bytes=8-100", 10)).toEqual({ start: 8, end: 9 });
    expect(byteRange("bytes=-50", 10)).toEqual({ start: 0, end: 9 });
  });

  it("cannot answer a range that starts past the end", () => {
    expect(byteRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(byteRange("bytes=-0", 10)).toBe("unsatisfiable");
    expect(byteRange("bytes=0-", 0)).toBe("unsatisfiable");
  });

  it("serves the whole file for no range, several, or one it cannot read", () => {
    expect(byteRange(undefined, 10)).toBeNull();
    expect(byteRange("bytes=0-1,4-5", 10)).toBeNull();
    expect(byteRange("items=0-1", 10)).toBeNull();
    expect(byteRange("bytes=5-2", 10)).toBeNull();
    expect(byteRange("bytes=-", 10)).toBeNull();
  });
});
