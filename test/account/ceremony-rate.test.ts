import { describe, expect, it } from "vitest";
import { ceremonyRate } from "../../src/account/core/ceremony";

describe("SIGNINS_PER_MINUTE", () => {
  it("sets how many ceremonies an address may start at once and per minute; anything else is 10", () => {
    expect(ceremonyRate("30")).toEqual({ burst: 30, perSecond: 0.5 });
    for (const bad of [undefined, "", "0", "-5", "2.5", "ten"])
      expect(ceremonyRate(bad)).toEqual({ burst: 10, perSecond: 10 / 60 });
  });
});
