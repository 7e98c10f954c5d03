import { describe, expect, it } from "vitest";
import { formatFrame, type Palette, skippedNotice } from "../../src/cli/format";
import type { ServerFrame } from "../../src/protocol";

const ts = new Date(2026, 10, 23, 9, 5).getTime();

describe("formatFrame", () => {
  it("prints one readable line per event", () => {
    const frames: ServerFrame[] = [
      { type: "chatMessage", payload: { id: 1, username: "alice", message: "hi\nthere", ts } },
      { type: "dm", payload: { id: 2, from: "bob", to: "alice", message: "psst", ts } },
      { type: "system", payload: { id: 3, event: "join", username: "carol", text: "carol joined", ts } },
      { type: "error", payload: { code: "rate_limited", message: "slow down", retryAfterMs: 1500 } },
      {
        type: "users",
        payload: {
          users: [
            { username: "alice", operator: true, since: 1 },
            { username: "bob", operator: false, since: 2 },
          ],
        },
      },
    ];
    expect(frames.flatMap((f) => formatFrame(f, "alice"))).toEqual([
      "[09:05] <alice> hi ⏎ there",
      "[09:05] [DM bob -> alice] psst",
      "[09:05] * carol joined",
      "! rate_limited: slow down (retry in 2 s)",
      "* 2 here: alice (operator), bob",
    ]);
  });

  it("prints history entries like live ones and bookkeeping frames not at all", () => {
    const history: ServerFrame = {
      type: "history",
      payload: {
        messages: [{ type: "chatMessage", payload: { id: 1, username: "a", message: "old", ts } }],
        truncated: false,
      },
    };
    expect(formatFrame(history, null)).toEqual(["[09:05] <a> old"]);
    expect(formatFrame({ type: "userCount", payload: { count: 3 } }, null)).toEqual([]);
    expect(formatFrame({ type: "pong", payload: {} }, null)).toEqual([]);
  });

  it("colours one's own name differently from others'", () => {
    const tag: Palette = {
      dim: (t) => t,
      bold: (t) => `B(${t})`,
      own: (t) => `O(${t})`,
      dm: (t) => t,
      system: (t) => t,
      error: (t) => t,
    };
    const mine: ServerFrame = { type: "chatMessage", payload: { id: 1, username: "Alice", message: "x", ts } };
    const theirs: ServerFrame = { type: "chatMessage", payload: { id: 2, username: "bob", message: "y", ts } };
    expect(formatFrame(mine, "alice", tag)[0]).toContain("O(<Alice>)");
    expect(formatFrame(theirs, "alice", tag)[0]).toContain("B(<bob>)");
  });
});

describe("skippedNotice", () => {
  it("says how many entries a resume may have skipped, and which ids", () => {
    expect(skippedNotice({ after: 4, before: 42 })).toBe("* up to 37 entries (ids 5-41) skipped while you were away");
    expect(skippedNotice({ after: 4, before: 6 })).toBe("* up to 1 entry (id 5) skipped while you were away");
  });
});
