import { afterEach, describe, expect, it, vi } from "vitest";
import { freshRoom, join } from "./client";

describe("structured logs", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("log joins, moderation and leaves as JSON objects with the room, never a DM's text", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
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

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = entries.filter((e) => e.room === room).map((e) => `${e.event}:${e.username ?? ""}`);
    expect(events).toEqual(
      expect.arrayContaining(["connect:", "join:alice", "join:bob", "kick:bob", "frame_error:alice", "leave:alice"]),
    );
    expect(entries.find((e) => e.event === "kick")).toMatchObject({ by: "alice" });
    expect(entries.find((e) => e.event === "frame_error")).toMatchObject({ code: "bad_json" });
    expect(lines.join("\n")).not.toContain("launch code");
  });
});
