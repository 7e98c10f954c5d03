import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RecentPartners } from "../../src/match/store/recent";

describe("recent partners among those waiting", () => {
  it("are read for a long line at once, each person's partners who are waiting too, and no one else", async () => {
    const stub = env.MATCHMAKER.getByName(`among-${crypto.randomUUID()}`);
    const found = await runInDurableObject(stub, (_, state) => {
      const recent = new RecentPartners(state.storage.sql);
      const now = Date.now();
      const line = Array.from({ length: 250 }, (_, i) => `s${i}`);
      // Pairs across the statements' chunks, and one with someone who is not waiting.
      recent.matched("s0", "s200", now);
      recent.matched("s1", "s2", now);
      recent.matched("s3", "gone", now);
      const among = recent.among(line, now);
      return Object.fromEntries([...among].map(([s, p]) => [s, [...p].sort()]));
    });
    expect(found).toEqual({ s0: ["s200"], s200: ["s0"], s1: ["s2"], s2: ["s1"] });
  });
});
