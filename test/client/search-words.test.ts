import { describe, expect, it } from "vitest";
import type { RoomsFound } from "../../src/client/core/search-rooms";
import { foundText } from "../../src/client/web/search-words";

const hit = (room: string, id: number) => ({ room, id, ts: id, username: "ann", snippet: "x" });
const found = (over: Partial<RoomsFound>): RoomsFound => ({
  results: [],
  hasMore: false,
  failed: [],
  unfinished: [],
  ...over,
});

describe("the words above search results", () => {
  it("count what matched, and say when there is more", () => {
    expect(foundText(found({ results: [hit("dev", 1)] }), "deploy", { room: "dev" }, 1)).toBe(
      "1 message matches “deploy” in #dev, newest first.",
    );
    expect(foundText(found({ hasMore: true }), "deploy", { rooms: 3 }, 20)).toBe(
      "20+ messages match “deploy” in your 3 rooms, newest first.",
    );
  });

  it("say plainly when nothing matched, or there was nowhere to look", () => {
    expect(foundText(found({}), "x", { rooms: 0 }, 0)).toBe("Join a room to search its messages.");
    expect(foundText(found({}), '"NEAR(a b)"', { room: "dev" }, 0)).toBe('No messages match “"NEAR(a b)"” in #dev.');
  });

  it("give a refused room's reason as the answer: too many searches, or a private room", () => {
    expect(foundText(found({ failed: [{ room: "dev", status: 429 }] }), "x", { room: "dev" }, 0)).toBe(
      "Too many searches; try again in a minute.",
    );
    expect(foundText(found({ failed: [{ room: "pv-a", status: 403 }] }), "x", { room: "pv-a" }, 0)).toBe(
      "#pv-a is private: its messages cannot be searched.",
    );
  });

  it("name the rooms that could not be searched next to what the others found", () => {
    const some = found({
      results: [hit("dev", 1)],
      failed: [
        { room: "pv-a", status: 403 },
        { room: "ops", status: 429 },
      ],
    });
    expect(foundText(some, "x", { rooms: 3 }, 1)).toBe(
      "1 message matches “x” in your 3 rooms, newest first. Could not search #pv-a (private), #ops, too many searches: try again in a minute.",
    );
  });
});
