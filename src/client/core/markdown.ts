import { Marked, type Token } from "marked";

/**
 * The little Markdown a chat message may use: `inline code`, fenced code
 * blocks, **bold** and *italic*, plus http(s) links and @mentions. Parsing is
 * marked's lexer; its HTML renderer is never used. The tokens become the tree
 * below, which the view builds with DOM calls and `textContent`, so nothing a
 * person typed is ever read as HTML. Everything else Markdown knows (headings,
 * lists, quotes, tables, raw HTML, `[text](url)` links that hide where they go)
 * is switched off and shows as the characters typed.
 */
export type Rich =
  | { kind: "text"; text: string }
  | { kind: "strong" | "em"; children: Rich[] }
  | { kind: "code"; text: string }
  | { kind: "pre"; text: string }
  | { kind: "link"; href: string; text: string }
  | { kind: "mention"; text: string; me: boolean }
  | { kind: "br" };

// Returning undefined from a tokenizer means "not this": the text falls through
// to a plain paragraph (block) or plain text (inline).
const off = () => undefined;
const parser = new Marked({
  gfm: true,
  breaks: true,
  tokenizer: {
    heading: off,
    lheading: off,
    hr: off,
    blockquote: off,
    list: off,
    html: off,
    def: off,
    table: off,
    // Four leading spaces are indentation in a chat line, not a code block; fences are.
    code: off,
    tag: off,
    link: off,
    reflink: off,
    del: off,
  },
});

/** Only web links open; `javascript:`, `data:` and `mailto:` stay text. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A message's text as a tree to draw. `mentions` are the names the server
 * found in it; `me` is the reader's name, whose mentions stand out more.
 */
export function richText(source: string, mentions: readonly string[] = [], me: string | null = null): Rich[] {
  const mentionPattern = mentionRegex(mentions);
  const meKey = me?.toLowerCase() ?? null;
  const out: Rich[] = [];

  const inline = (tokens: Token[] | undefined, into: Rich[]): void => {
    for (const token of tokens ?? []) {
      switch (token.type) {
        case "strong":
        case "em": {
          const children: Rich[] = [];
          inline(token.tokens, children);
          into.push({ kind: token.type, children });
          break;
        }
        case "codespan":
          into.push({ kind: "code", text: token.text });
          break;
        case "br":
          into.push({ kind: "br" });
          break;
        case "link": {
          const href = safeHref(token.href);
          into.push(href ? { kind: "link", href, text: token.text } : { kind: "text", text: token.raw });
          break;
        }
        case "escape":
          into.push({ kind: "text", text: token.text });
          break;
        case "text":
          if (token.tokens) inline(token.tokens, into);
          else splitMentions(token.text, mentionPattern, meKey, into);
          break;
        default:
          // Anything else a tokenizer still produced is shown as typed.
          into.push({ kind: "text", text: token.raw });
      }
    }
  };

  for (const token of parser.lexer(source)) {
    switch (token.type) {
      case "code":
        out.push({ kind: "pre", text: token.text });
        break;
      case "space":
        // Blank lines between paragraphs are kept as the line breaks they were.
        for (const _ of token.raw.matchAll(/\n/g)) out.push({ kind: "br" });
        break;
      case "paragraph":
      case "text":
        inline(token.tokens, out);
        if (token.raw.endsWith("\n")) out.push({ kind: "br" });
        break;
      default:
        out.push({ kind: "text", text: token.raw });
    }
  }
  return tidy(out);
}

/** A code block is a block of its own: line breaks right next to it would draw empty lines. */
function tidy(nodes: Rich[]): Rich[] {
  const kept = nodes.filter((node, i) => {
    if (node.kind !== "br") return true;
    return nodes[i - 1]?.kind !== "pre" && nodes[i + 1]?.kind !== "pre";
  });
  while (kept.at(-1)?.kind === "br") kept.pop();
  return kept;
}

function mentionRegex(names: readonly string[]): RegExp | null {
  if (names.length === 0) return null;
  const escaped = [...names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // The same edges the server uses: `@` at the start or after something that is not part of a word.
  return new RegExp(`(?<![\\p{L}\\p{N}_])@(${escaped.join("|")})(?![\\p{L}\\p{N}_])`, "giu");
}

function splitMentions(text: string, pattern: RegExp | null, meKey: string | null, into: Rich[]): void {
  if (!pattern) {
    into.push({ kind: "text", text });
    return;
  }
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index ?? 0;
    if (start > at) into.push({ kind: "text", text: text.slice(at, start) });
    into.push({ kind: "mention", text: match[0], me: (match[1] ?? "").toLowerCase() === meKey });
    at = start + match[0].length;
  }
  if (at < text.length) into.push({ kind: "text", text: text.slice(at) });
}

/** The plain words of a message, for a one-line quote or a notification. */
export function plainText(source: string, max = 120): string {
  const flat = source
    .replace(/```[^\n]*\n?/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
