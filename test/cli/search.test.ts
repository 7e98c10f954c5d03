import { afterEach, describe, expect, it } from "vitest";
import type { Fetch } from "../../src/client/cli/account-http";
import { type Palette, plain } from "../../src/client/cli/format";
import { searchLines } from "../../src/client/cli/search";
import { SNIPPET_CLOSE as E, SNIPPET_OPEN as S } from "../../src/protocol";
import { FakeRoom } from "./fake-room";
import { run, until } from "./in-process";

/**
 * `/search words` in the terminal: the room's search endpoint asked for the
 * current room, its answer printed newest first with the matched words
 * highlighted, and a refusal or an unreachable server said in words.
 */

const MARKERS = new RegExp(`[${S}${E}]`);

let room: FakeRoom | undefined;

afterEach(async () => {
  await room?.close();
  room = undefined;
});

/** A fetch that answers every request with `status` and `body`, and keeps the URLs asked for. */
function answering(status: number, body: unknown): { fetch: Fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: async (url) => {
      urls.push(url);
      return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    },
  };
}

async function searchFor(words: string, fetch: Fetch, room: FakeRoom, more = "") {
  const client = run(room.origin, {}, fetch);
  await until(() => client.out().includes("joined #lobby"), "the welcome");
  client.stdin.write(`${more}/search ${words}\n`);
  return client;
}

describe("/search in the terminal", () => {
  it("asks the current room's search for the words, and prints each result with its time, name and highlights", async () => {
    room = await FakeRoom.start();
    const now = Date.now();
    const { fetch, urls } = answering(200, {
      results: [
        { id: 42, ts: now, username: "bob", snippet: `the ${S}deploy${E} is ${S}done${E}` },
        { id: 7, ts: now - 60_000, username: "carol", snippet: `${S}deploy${E} tomorrow` },
      ],
      hasMore: false,
    });
    const client = await searchFor("deploy done", fetch, room);
    await until(() => client.out().includes("carol"), "the results");
    expect(urls).toEqual([`${room.origin.replace("ws:", "http:")}/api/rooms/lobby/search?q=deploy+done&limit=20`]);
    const out = client.out();
    expect(out).toContain('* 2 matches for "deploy done" in #lobby, newest first');
    expect(out).toMatch(/^\[\d\d:\d\d\] <bob> the deploy is done\n\[\d\d:\d\d\] <carol> deploy tomorrow$/m);
    expect(out).not.toMatch(MARKERS);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("searches the room that is current after a /join, and names it when several are joined", async () => {
    room = await FakeRoom.start();
    const { fetch, urls } = answering(200, { results: [], hasMore: false });
    const client = await searchFor("anything", fetch, room, "/join ops\n");
    await until(() => client.out().includes("no matches"), "the answer");
    expect(urls[0]).toContain("/api/rooms/ops/search?q=anything&limit=20");
    expect(client.out()).toContain('#ops * no matches for "anything" in #ops');
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("says there are no matches", async () => {
    room = await FakeRoom.start();
    const client = await searchFor("nothing like this", answering(200, { results: [], hasMore: false }).fetch, room);
    await until(() => client.out().includes("no matches"), "the answer");
    expect(client.out()).toContain('* no matches for "nothing like this" in #lobby');
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("says a private room's history cannot be searched when the room answers 403", async () => {
    room = await FakeRoom.start();
    const refused = answering(403, { error: { code: "forbidden", message: "this room's history is private" } });
    const client = await searchFor("secret", refused.fetch, room);
    await until(() => client.out().includes("!"), "the refusal");
    expect(client.out()).toContain("! cannot search #lobby: its history is private (HTTP 403 Forbidden, forbidden)");
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("says the server could not be reached, and goes on chatting", async () => {
    room = await FakeRoom.start();
    const down: Fetch = async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    };
    const client = await searchFor("anything", down, room);
    await until(() => client.out().includes("!"), "the failure");
    expect(client.out()).toContain("! search failed: could not reach the server (ECONNREFUSED)");
    client.stdin.end("still here\n");
    expect(await client.exit).toBe(0);
    expect(client.out()).toContain("<alice> still here");
  });

  it("asks for words when given none, without asking the server", async () => {
    room = await FakeRoom.start();
    const { fetch, urls } = answering(200, { results: [], hasMore: false });
    const client = await searchFor("", fetch, room);
    await until(() => client.out().includes("!"), "the usage line");
    expect(client.out()).toContain("! /search needs words to look for: /search <words>");
    expect(urls).toEqual([]);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });
});

describe("searchLines", () => {
  const ts = new Date(2026, 10, 3, 9, 5).getTime();
  const now = new Date(2026, 11, 6, 12, 0).getTime();
  const found = { kind: "found" as const, results: [{ id: 3, ts, username: "ann", snippet: `a ${S}word${E} here` }] };

  it("highlights the matched words when colour is on, and never prints a marker", () => {
    const tag: Palette = { ...plain, hit: (t) => `[[${t}]]` };
    const [, line] = searchLines({ ...found, hasMore: false }, "word", "lobby", tag, {}, now);
    expect(line).toBe("[2026-11-03 09:05] <ann> a [[word]] here");
  });

  it("prints the words plainly without colour, and the id with --ids", () => {
    const [, line] = searchLines({ ...found, hasMore: false }, "word", "lobby", plain, { ids: true }, now);
    expect(line).toBe("[2026-11-03 09:05] #3 <ann> a word here");
  });

  it("says when older matches were left out", () => {
    const [head] = searchLines({ ...found, hasMore: true }, "word", "lobby", plain, {}, now);
    expect(head).toBe('* 1+ matches for "word" in #lobby, newest first; only the newest 1 shown');
  });

  it("drops a marker left open or stray, and says when the answer is not a list of results", () => {
    const odd = {
      kind: "found" as const,
      hasMore: false,
      results: [{ id: 1, ts, username: "b", snippet: `${E}x ${S}y` }],
    };
    expect(searchLines(odd, "y", "lobby", plain, {}, now)[1]).toBe("[2026-11-03 09:05] <b> x y");
    expect(searchLines({ kind: "garbled" }, "y", "lobby", plain, {}, now)).toEqual([
      "! search failed: the server's answer was not a list of results",
    ]);
  });
});
