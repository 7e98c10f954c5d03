/**
 * How a search result's `snippet` (v1.9) marks the words that matched: each
 * highlighted run sits between these two private-use characters, which
 * ordinary text does not use. Clients split on them and never print them;
 * this is the one place that names them.
 */
export const SNIPPET_MARK = { start: "\uE000", end: "\uE001" } as const;

/** One stretch of a snippet: matched words (`hit`) or the text around them. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * A snippet as plain and highlighted stretches, in order. A start without an
 * end highlights to the end; a stray end is dropped; no marker ever survives
 * into the text.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  let text = "";
  const flush = () => {
    if (text) parts.push({ text, hit });
    text = "";
  };
  for (const ch of snippet) {
    if (ch === SNIPPET_MARK.start || ch === SNIPPET_MARK.end) {
      flush();
      hit = ch === SNIPPET_MARK.start;
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}
