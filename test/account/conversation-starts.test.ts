import { describe, expect, it } from "vitest";
import { checkStart, START_WINDOW_MS, type Start } from "../../src/account/core/conversation-starts";

const NOW = Date.UTC(2026, 11, 6, 9, 0, 0);
const started = (n: number, at = NOW - 1000): Start[] =>
  Array.from({ length: n }, (_, i) => ({ peerId: `p${i}`, at: at + i }));

describe("starting a conversation", () => {
  it("counts a conversation with someone new, and refuses one past the limit until the oldest start is an hour old", () => {
    expect(checkStart(started(2), "new", false, 3, NOW)).toEqual({ ok: true, record: true });
    const full = started(3, NOW - 10 * 60 * 1000);
    expect(checkStart(full, "new", false, 3, NOW)).toEqual({ ok: false, max: 3, retryAfterMs: 50 * 60 * 1000 });
    expect(checkStart(full, "new", false, 3, NOW - 10 * 60 * 1000 + START_WINDOW_MS + 1)).toEqual({
      ok: true,
      record: true,
    });
  });

  it("never counts a conversation with a message in it, nor one started again within the hour", () => {
    const full = started(3);
    expect(checkStart(full, "old-friend", true, 3, NOW)).toEqual({ ok: true, record: false });
    expect(checkStart(full, "p1", false, 3, NOW)).toEqual({ ok: true, record: false });
  });
});
