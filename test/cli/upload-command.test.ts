import { describe, expect, it } from "vitest";
import { expandHome, UPLOAD_USAGE, uploadCommand } from "../../src/client/cli/upload-command";

/** `/upload path [caption]` as typed: the path (quoted, escaped or bare) and the words after it. */

const upload = (line: string) => uploadCommand(line);

describe("/upload's arguments", () => {
  it("takes the first word as the path and the rest, trimmed, as the caption", () => {
    expect(upload("/upload notes.txt here are my notes ")).toEqual({
      kind: "upload",
      path: "notes.txt",
      caption: "here are my notes",
      typed: "/upload notes.txt here are my notes",
    });
    expect(upload("/UPLOAD ./a/b.png")).toMatchObject({ kind: "upload", path: "./a/b.png", caption: "" });
  });

  it("reads a path with spaces when it is quoted, as a terminal pastes a dropped file, or escaped", () => {
    expect(upload(`/upload '/tmp/my notes.txt' for you`)).toMatchObject({
      path: "/tmp/my notes.txt",
      caption: "for you",
    });
    expect(upload(`/upload "it's here.pdf"`)).toMatchObject({ path: "it's here.pdf", caption: "" });
    expect(upload("/upload my\\ notes.txt see\\ this")).toMatchObject({
      path: "my notes.txt",
      caption: "see\\ this",
    });
  });

  it("says how to use it when there is no path, or a quote is left open", () => {
    expect(upload("/upload")).toEqual({ kind: "bad", problem: UPLOAD_USAGE, typed: "/upload" });
    expect(upload("/upload   ")).toMatchObject({ kind: "bad", problem: UPLOAD_USAGE });
    expect(upload(`/upload "" caption`)).toMatchObject({ kind: "bad", problem: UPLOAD_USAGE });
    expect(upload(`/upload "my notes.txt`)).toMatchObject({
      kind: "bad",
      problem: `the path's quote is never closed; ${UPLOAD_USAGE}`,
    });
  });

  it("leaves every other line alone, /uploads and a plain message included", () => {
    expect(upload("/uploads x")).toBeNull();
    expect(upload("upload notes.txt")).toBeNull();
    expect(upload("/search upload")).toBeNull();
  });

  it("finds ~ in the home folder and leaves other paths as typed", () => {
    expect(expandHome("~/notes.txt", "/home/alice")).toBe("/home/alice/notes.txt");
    expect(expandHome("~", "/home/alice")).toBe("/home/alice");
    expect(expandHome("~bob/x", "/home/alice")).toBe("~bob/x");
    expect(expandHome("./~/x", "/home/alice")).toBe("./~/x");
  });
});
