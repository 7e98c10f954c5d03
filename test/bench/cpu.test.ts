import { describe, expect, it } from "vitest";
import { classify, cpuBetween, cpuNow, groupOf, ticksOf } from "../../bench/cpu";

describe("CPU per process during a storm", () => {
  it("tells the worker's runtime, its proxy, wrangler and the load generator apart", () => {
    const workerd = "/x/bin/workerd serve --binary --experimental --socket-addr=entry=127.0.0.1:0";
    expect(classify(`${workerd} --inspector-addr=127.0.0.1:0`, 7, 1)).toBe("worker");
    expect(classify(workerd, 8, 1)).toBe("proxy");
    expect(classify("/x/node --no-warnings /x/wrangler/wrangler-dist/cli.js dev --ip 127.0.0.1", 9, 1)).toBe(
      "wrangler",
    );
    expect(classify("node dist/bench.mjs", 1, 1)).toBe("load");
    expect(classify("bash", 10, 1)).toBeNull();
  });

  it("reads user and system time from a stat line whose name holds spaces and parentheses", () => {
    const stat = "4242 (odd (name) here) S 1 2 3 4 5 6 7 8 9 10 250 31 0 0 20 0 8 0 100";
    expect(ticksOf(stat)).toBe(281);
    expect(groupOf(stat)).toBe(2);
  });

  it("counts, within a process group, only that group's servers and the load generator itself", () => {
    const everyone = cpuNow();
    const none = cpuNow(-1);
    expect(none.has("load")).toBe(true);
    expect(none.has("worker") || none.has("proxy") || none.has("wrangler")).toBe(false);
    expect(everyone.has("load")).toBe(true);
  });

  it("counts only what was used between two readings, and this process is among those read", () => {
    let spin = 0;
    const before = cpuNow();
    for (let i = 0; i < 5e7; i++) spin += i % 7;
    const spent = cpuBetween(before, cpuNow());
    expect(spin).toBeGreaterThan(0);
    expect(spent.load).toBeGreaterThan(0);
    expect(cpuBetween(new Map([["worker", 50]]), new Map([["worker", 80]]))).toEqual({ worker: 30 });
  });
});
