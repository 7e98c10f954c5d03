import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { runChaos, SHORT_RUN } from "../../tools/chaos";

describe("chaos: drops and a server restart", () => {
  const holds = async (cpuWorkers: number) => {
    const report = await runChaos({ ...SHORT_RUN, cpuWorkers });
    expect(report.violations).toEqual([]);
    expect(report.restarts).toBe(1);
    expect(report.drops).toBeGreaterThan(0);
    // 4 clients × (25 messages + 1 typed while the server was down).
    expect(report.acked).toBe(4 * 26);
    expect(report.sends).toBe(report.acked);
    expect(report.cpuWorkers).toBe(cpuWorkers);
  };

  it("loses nothing, doubles nothing, and makes no presence noise", () => holds(0), 240_000);

  it("holds all of that while every core is kept busy", () => holds(availableParallelism()), 300_000);
});

describe("chaos in a room spread over fan-out shards", () => {
  it("loses and doubles nothing for 200 people over 4 shards through drops and a restart of every object", async () => {
    const report = await runChaos({ ...SHORT_RUN, listeners: 196, shardThreshold: 50 });
    expect(report.shards).toBeGreaterThanOrEqual(3);
    expect(report.violations).toEqual([]);
    expect(report.restarts).toBe(1);
    expect(report.drops).toBeGreaterThan(0);
    expect(report.acked).toBe(4 * 26);
    expect(report.sends).toBe(report.acked);
  }, 300_000);
});
