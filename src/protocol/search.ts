import * as v from "valibot";

const Hit = v.object({ id: v.number(), ts: v.number(), username: v.string(), snippet: v.string() });
const Page = v.object({ results: v.array(Hit), hasMore: v.boolean() });

/** One match, newest first in a page: `snippet` marks each matched word between `SNIPPET_OPEN` and `SNIPPET_CLOSE`. */
export type SearchHit = v.InferOutput<typeof Hit>;

/** v1.9: a page of search results (`GET /api/rooms/:room/search`), newest first. */
export type SearchPage = v.InferOutput<typeof Page>;

/** A search answer's body as a client reads it: the documented shape, or null (never half of one). */
export function parseSearchPage(body: unknown): SearchPage | null {
  const parsed = v.safeParse(Page, body);
  return parsed.success ? parsed.output : null;
}

/**
 * v1.9: where a matched word starts and ends in a snippet: U+E000 and U+E001,
 * from Unicode's private use area. The room's index holds each message with
 * those two replaced by U+FFFD, so in a snippet they can only be the room's
 * marks. Clients split on them (`snippetParts`) and never print them.
 */
export const SNIPPET_OPEN = "\uE000";
export const SNIPPET_CLOSE = "\uE001";

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
    if (ch === SNIPPET_OPEN || ch === SNIPPET_CLOSE) {
      flush();
      hit = ch === SNIPPET_OPEN;
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}
