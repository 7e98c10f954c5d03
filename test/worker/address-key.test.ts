import { describe, expect, it } from "vitest";
import { addressKey } from "../../src/worker/ceremonies";
import { Browser } from "./accounts";

describe("the rate of sign-ins per address", () => {
  it("counts an IPv6 address by its /64, so rotating through one block does not multiply the rate", async () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::7")).toBe("2001:db8:0:0::/64");
    expect(addressKey("198.51.100.7")).toBe("198.51.100.7");
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await new Browser(undefined, `2001:db8:77:${i % 2}:${i}::1`).fetch("/api/auth/signin/options", {
        body: {},
      });
      statuses.push(res.status);
    }
    // Two /64s, each with its own burst of 10: none refused yet. The same /64 eleven times is.
    expect(statuses.every((s) => s === 200)).toBe(true);
    const same: number[] = [];
    for (let i = 0; i < 11; i++) {
      same.push(
        (await new Browser(undefined, `2001:db8:78:0:${i}::1`).fetch("/api/auth/signin/options", { body: {} })).status,
      );
    }
    expect(same.at(-1)).toBe(429);
  });
});
