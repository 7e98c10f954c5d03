import { describe, expect, it } from "vitest";
import { runChaos } from "../../tools/chaos";

describe("chaos: drops and a server restart", () => {
  it("loses nothing, doubles nothing, and makes no presence noise", async () => {
    const report = await runChaos({ clients: 4, messages: 25, sendEveryMs: 120, dropChance: 0.12, restarts: 1 });
    expect(report.violations).toEqual([]);
    expect(report.restarts).toBe(1);
    expect(report.drops).toBeGreaterThan(0);
    // 4 clients × (25 messages + 1 typed while the server was down).
    expect(report.acked).toBe(4 * 26);
    expect(report.sends).toBe(report.acked);
  }, 240_000);
});
