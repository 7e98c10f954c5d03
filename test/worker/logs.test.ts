import { describe, expect, it, vi } from "vitest";
import { captureLogs, freshRoom, join } from "./client";

describe("structured logs", () => {
  it("log joins, moderation and leaves as JSON objects with the room, never a DM's text", async () => {
    const lines = captureLogs();
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("/msg bob the launch code is 0000");
    await bob.waitFor("dm");
    alice.send("/kick bob");
    await bob.closed;
    alice.send("{oops");
    await alice.waitFor("error");
    alice.close();
    await alice.closed;

    const parse = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // A busy moment writes one line per kind, with `count` and `usernames`.
    const events = () =>
      parse()
        .filter((e) => e.room === room)
        .flatMap((e) =>
          Array.isArray(e.usernames)
            ? [`${e.event}:`, ...e.usernames.map((u) => `${e.event}:${u}`)]
            : [`${e.event}:${e.username ?? ""}`],
        );
    // Presence lines are written with the next flush of the room's broadcasts.
    // alice's connection dropped: she leaves when the reconnect grace (2 s here) ends.
    await vi.waitFor(() => expect(events()).toContain("leave:alice"), { timeout: 6000 });
    expect(events()).toEqual(
      expect.arrayContaining(["connect:", "join:alice", "join:bob", "kick:bob", "frame_error:alice", "leave:alice"]),
    );
    const entries = parse();
    expect(entries.find((e) => e.event === "kick")).toMatchObject({ by: "alice" });
    expect(entries.find((e) => e.event === "frame_error")).toMatchObject({ code: "bad_json" });
    expect(lines.join("\n")).not.toContain("launch code");
  });
});
