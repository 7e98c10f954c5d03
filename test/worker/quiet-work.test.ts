import { describe, expect, it, vi } from "vitest";
import { captureLogs, freshRoom, join, loggedNames } from "./client";

describe("work nobody waits for, when a crowd drops at once", () => {
  it("is written as a few grouped log lines, not a line per leaver", async () => {
    const lines = captureLogs();
    const room = freshRoom();
    const names = Array.from({ length: 40 }, (_, i) => `drop${String(i).padStart(2, "0")}`);
    const clients = await Promise.all(names.map((username) => join(room, { username }).then((j) => j.client)));
    const [first, ...rest] = clients;
    const awayLines = () =>
      lines
        .map((l) => JSON.parse(l) as { event?: string; room?: string; username?: string; usernames?: string[] })
        .filter((e) => e.event === "away" && e.room === room);
    const named = () => loggedNames(lines, room, "away");
    // One leaves, and its line is written; then everyone else, in a quiet room
    // whose last broadcast is long gone.
    first?.close();
    await vi.waitFor(() => expect(named()).toEqual([names[0]]), { timeout: 5000, interval: 20 });
    for (const c of rest) c.close();
    await Promise.all(rest.map((c) => c.closed));
    await vi.waitFor(() => expect(named().sort()).toEqual(names), { timeout: 5000, interval: 50 });
    expect(awayLines().length).toBeLessThanOrEqual(3);
  });
});
