import { describe, expect, it } from "vitest";
import { startCpuLoad } from "../../tools/cpu-load";

/** The chaos run's CPU load: busy while it runs, idle once stopped, and never longer than its bound. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** User CPU this process spent in `ms`, in ms. */
async function cpuDuring(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await sleep(ms);
  return process.cpuUsage(before).user / 1000;
}

describe("the CPU load", () => {
  it("keeps a core busy until it is stopped, then uses none", async () => {
    const load = startCpuLoad(1);
    await sleep(200);
    // On a machine already busy the spinning thread gets less than a whole core: compare, not absolute.
    const busy = await cpuDuring(1000);
    await load.stop();
    await load.ended;
    const idle = await cpuDuring(1000);
    expect(busy).toBeGreaterThan(200);
    expect(idle).toBeLessThan(busy / 4);
  });

  it("stops by itself after its bound when nobody stops it", async () => {
    const load = startCpuLoad(1, 300);
    const started = Date.now();
    await load.ended;
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
