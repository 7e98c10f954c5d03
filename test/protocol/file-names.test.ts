import { describe, expect, it } from "vitest";
import { ErrorCode, fileNameFor, MAX_FILE_NAME, parseClientFrame } from "../../src/protocol";

const ask = (name: string) =>
  parseClientFrame(JSON.stringify({ type: "uploadSlot", payload: { name, size: 1, clientId: "f1" } }));

describe("a file's name, as a room takes it", () => {
  it("is refused when it could pass for another: turned around, invisible characters, or a path", () => {
    for (const name of [
      "evil\u202Egnp.exe",
      "report\u200B.pdf",
      "a\u2066b.txt",
      "../etc/passwd",
      "a\\b",
      "line\nbreak",
      "x".repeat(MAX_FILE_NAME + 1),
      "  ",
    ]) {
      expect(ask(name)).toMatchObject({ ok: false, error: { code: ErrorCode.badMessage, clientId: "f1" } });
    }
  });

  it("takes ordinary names in any script, with spaces and dots", () => {
    for (const name of ["photo (1).jpg", "Отчёт.pdf", "写真.png", "naïve résumé.docx", ".env"]) {
      expect(ask(name).ok).toBe(true);
    }
  });

  it("is made from what a disk called the file, so clients never send one the room refuses", () => {
    expect(fileNameFor("evil\u202Egnp.exe")).toBe("evil_gnp.exe");
    expect(fileNameFor("  spaced.txt ")).toBe("spaced.txt");
    expect(fileNameFor("\u200B")).toBe("_");
    expect(fileNameFor("")).toBe("file");
    const long = fileNameFor("😀".repeat(200));
    expect(long.length).toBeLessThanOrEqual(MAX_FILE_NAME);
    expect(long.endsWith("😀")).toBe(true);
    for (const made of [fileNameFor("a/b\\c\u0000d"), long]) expect(ask(made).ok).toBe(true);
  });
});
