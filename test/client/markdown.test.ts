import { describe, expect, it } from "vitest";
import { plainText, richText, safeHref } from "../../src/client/core/markdown";

describe("the Markdown subset", () => {
  it("renders inline code, bold, italic and fenced code blocks", () => {
    expect(richText("**bold** *it* _also_ `x < y`")).toEqual([
      { kind: "strong", children: [{ kind: "text", text: "bold" }] },
      { kind: "text", text: " " },
      { kind: "em", children: [{ kind: "text", text: "it" }] },
      { kind: "text", text: " " },
      { kind: "em", children: [{ kind: "text", text: "also" }] },
      { kind: "text", text: " " },
      { kind: "code", text: "x < y" },
    ]);
    expect(richText("run:\n```sh\nnpm test\n```\ndone")).toEqual([
      { kind: "text", text: "run:" },
      { kind: "pre", text: "npm test" },
      { kind: "text", text: "done" },
    ]);
  });

  it("keeps raw HTML, headings, lists, quotes and hidden links as the characters typed", () => {
    const texts = (source: string) =>
      richText(source)
        .map((n) => (n.kind === "text" ? n.text : n.kind === "br" ? "\n" : `[${n.kind}]`))
        .join("");
    expect(texts("<img src=x onerror=alert(1)>")).toBe("<img src=x onerror=alert(1)>");
    expect(texts("# not a heading\n- not a list\n> not a quote")).toBe("# not a heading\n- not a list\n> not a quote");
    expect(texts("[click](https://evil.example)")).toBe(
      "[click](https://evil.example)".replace("https://evil.example", "[link]"),
    );
    expect(texts("    four spaces")).toBe("    four spaces");
  });

  it("keeps line breaks, blank lines included", () => {
    expect(richText("one\ntwo\n\nthree").map((n) => n.kind)).toEqual(["text", "br", "text", "br", "br", "text"]);
  });

  it("links http and https only, opening nothing else", () => {
    expect(richText("see https://example.com/a?b=1 now")).toContainEqual({
      kind: "link",
      href: "https://example.com/a?b=1",
      text: "https://example.com/a?b=1",
    });
    expect(richText("javascript:alert(1)").some((n) => n.kind === "link")).toBe(false);
    expect(richText("<javascript:alert(1)>").some((n) => n.kind === "link")).toBe(false);
    expect(richText("mail me: a@example.com").some((n) => n.kind === "link")).toBe(false);
    expect(safeHref("data:text/html,x")).toBeNull();
    expect(safeHref("http://example.com")).toBe("http://example.com/");
  });

  it("marks the mentions the server found, the reader's own apart", () => {
    const nodes = richText("hi @Bob and @alice, not @carol or me@alice", ["bob", "alice"], "alice");
    expect(nodes.filter((n) => n.kind === "mention")).toEqual([
      { kind: "mention", text: "@Bob", me: false },
      { kind: "mention", text: "@alice", me: true },
    ]);
    // Inside code a mention is just code.
    expect(richText("`@bob`", ["bob"], null)).toEqual([{ kind: "code", text: "@bob" }]);
  });

  it("flattens a message to one short line for quotes", () => {
    expect(plainText("a\n```\ncode\n```\nb")).toBe("a code b");
    expect(plainText("x".repeat(200), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
