import { describe, expect, it } from "vitest";
import { CLAIM_SHARDS, claimShard } from "../../src/account/core/claim-shards";

describe("the index of claimed names", () => {
  it("lists a key in one shard, always the same, and spreads keys over all of them", () => {
    expect(claimShard("alice")).toBe(claimShard("alice"));
    const used = new Set(Array.from({ length: 2000 }, (_, i) => claimShard(`name${i}`)));
    expect(used.size).toBe(CLAIM_SHARDS);
  });
});
