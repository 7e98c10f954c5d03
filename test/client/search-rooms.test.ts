import { describe, expect, it } from "vitest";
import { nextPages, type SearchFetch, searchRooms } from "../../src/client/core/search-rooms";

const hit = (id: number, ts: number, snippet: string) => ({ id, ts, username: "ann", snippet });

describe("searching several joined rooms", () => {
  it("merges every room's matches newest first, keeps the limit, and names the rooms that failed", async () => {
    const pages: Record<string, { status: number; body: unknown }> = {
      lobby: { status: 200, body: { results: [hit(9, 300, "a"), hit(4, 100, "b")], hasMore: false } },
      dev: { status: 200, body: { results: [hit(2, 200, "c")], hasMore: true } },
      secret: { status: 403, body: { error: { code: "forbidden" } } },
      odd: { status: 200, body: { results: "nope" } },
    };
    const asked: string[] = [];
    const fetch: SearchFetch = async (path) => {
      asked.push(path);
      const room = decodeURIComponent(path.split("/")[3] ?? "");
      if (room === "down") throw new Error("offline");
      return pages[room] ?? { status: 404, body: null };
    };
    const found = await searchRooms(fetch, ["lobby", "dev", "secret", "odd", "down"], "a b", 2);
    expect(found.results.map((r) => [r.room, r.id])).toEqual([
      ["lobby", 9],
      ["dev", 2],
    ]);
    expect(found.hasMore).toBe(true);
    expect(found.failed).toEqual([
      { room: "secret", status: 403 },
      { room: "odd", status: 200 },
      { room: "down", status: 0 },
    ]);
    expect(asked[0]).toBe("/api/rooms/lobby/search?q=a+b&limit=2");
  });
});

describe("more results across rooms", () => {
  it("goes on below each room's oldest match shown, skipping rooms with nothing left and none shown", async () => {
    const pages: Record<string, { results: ReturnType<typeof hit>[]; hasMore: boolean }> = {
      lobby: { results: [hit(9, 300, "a"), hit(4, 100, "b")], hasMore: false },
      dev: { results: [hit(7, 250, "c"), hit(3, 50, "d")], hasMore: true },
      quiet: { results: [hit(1, 10, "e")], hasMore: false },
      done: { results: [], hasMore: false },
    };
    const asked: string[] = [];
    const fetch: SearchFetch = async (path) => {
      asked.push(path);
      return { status: 200, body: pages[decodeURIComponent(path.split("/")[3] ?? "")] };
    };
    const found = await searchRooms(fetch, ["lobby", "dev", "quiet", "done"], "a", 3);
    expect(found.results.map((r) => [r.room, r.id])).toEqual([
      ["lobby", 9],
      ["dev", 7],
      ["lobby", 4],
    ]);
    // lobby's page was all given; dev has more on the server and one cut here; quiet's one match was cut.
    expect(found.unfinished).toEqual(["dev", "quiet"]);
    const next = nextPages(found, new Map());
    expect(next.rooms).toEqual(["dev", "quiet"]);
    expect([...next.before]).toEqual([["dev", 7]]);
    asked.length = 0;
    await searchRooms(fetch, next.rooms, "a", 3, next.before);
    expect(asked).toEqual(["/api/rooms/dev/search?q=a&limit=3&before=7", "/api/rooms/quiet/search?q=a&limit=3"]);
  });
});
