import { describe, expect, it } from "vitest";
import { JOIN_WINDOW_MS, JoinRate } from "../../src/room/durable/join-rate";

describe("joins per address", () => {
  it("admits the limit within a minute, then says how long until the oldest join ages out", () => {
    const rate = new JoinRate();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(rate.admit("a", t0 + i * 1000, 3)).toEqual({ ok: true });
    expect(rate.admit("a", t0 + 5000, 3)).toEqual({ ok: false, retryAfterMs: JOIN_WINDOW_MS - 5000 });
    expect(rate.admit("b", t0 + 5000, 3)).toEqual({ ok: true });
    expect(rate.admit("a", t0 + JOIN_WINDOW_MS, 3)).toEqual({ ok: true });
    expect(rate.admit("a", t0 + JOIN_WINDOW_MS + 1, 3)).toEqual({ ok: false, retryAfterMs: 999 });
  });
});
