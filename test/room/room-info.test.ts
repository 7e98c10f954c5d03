import { describe, expect, it, vi } from "vitest";
import { INFO_NAMES_MAX } from "../../src/room/durable/queries";
import { DurableRoom } from "./durable-room";

describe("what GET /api/rooms/:room tells of who is here", () => {
  it("counts everyone, but names at most 500, longest-connected first, in a room bigger than that", async () => {
    vi.useFakeTimers();
    try {
      const room = new DurableRoom();
      const people = INFO_NAMES_MAX + 20;
      for (let i = 0; i < people; i++) {
        await room.join(`p${i}`, `session-${i}`);
        vi.advanceTimersByTime(1);
      }
      const info = await room.room.info("durable-room");
      expect(info.userCount).toBe(people);
      expect(info.users).toHaveLength(INFO_NAMES_MAX);
      expect(info.users.slice(0, 3)).toEqual(["p0", "p1", "p2"]);
      expect(new Set(info.users).size).toBe(INFO_NAMES_MAX);
    } finally {
      vi.useRealTimers();
    }
  });
});
