import { describe, expect, it } from "vitest";
import { type SearchFetch, searchRooms } from "../../src/client/core/search-rooms";

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
