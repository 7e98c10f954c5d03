import { describe, expect, it } from "vitest";
import { scalingCharts, shardCharts } from "../../bench/charts";

const run = (clients: number, room: number, floor: number) => ({
  clients,
  compression: "on",
  room: { deliveredPerSec: room, p99Ms: 1000 / room },
  floor: { deliveredPerSec: floor, p99Ms: 1000 / floor },
});

describe("the scaling charts", () => {
  it("draw one line per side through every room size, in size order, as standalone SVG", () => {
    const { delivered, p99 } = scalingCharts([run(5000, 90, 10), run(50, 30, 25), run(500, 80, 20)]);
    for (const svg of [delivered, p99]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      const lines = [...svg.matchAll(/<path d="M([^"]+)" marker-end/g)].map((m) => m[1] ?? "");
      // Two series, each through three points (M x,y L x,y L x,y).
      expect(lines).toHaveLength(2);
      for (const d of lines) expect(d.split("L")).toHaveLength(3);
      expect(svg).toMatch(/role="img"><title>[^<]+ against clients in the room<\/title>/);
      expect(svg).toContain(">room<");
      expect(svg).toContain(">floor<");
    }
    // Each size is labelled once on the x axis.
    expect(delivered.match(/>5k</g)).toHaveLength(1);
    expect(delivered).toContain("delivered messages / s");
    expect(p99).toContain("p99 latency (ms)");
  });

  it("leaves out the latency of a side that delivered nothing, instead of drawing it as 0 ms", () => {
    const starved = { ...run(5000, 90, 10), floor: { deliveredPerSec: 0, p99Ms: 0 } };
    const { p99 } = scalingCharts([run(50, 30, 25), run(500, 80, 20), starved]);
    const points = [...p99.matchAll(/<path d="M([^"]+)" marker-end/g)].map((m) => (m[1] ?? "").split("L").length);
    expect(points.sort()).toEqual([2, 3]);
  });

  it("draw the sharded room beside the one object and the floor, and the sequencer's sends with the measured runs as dots", () => {
    const shardRun = (clients: number, shards: number) => ({
      ...run(clients, 100, 50),
      shards,
      sharded: {
        deliveredPerSec: 90,
        p99Ms: 20,
        remoteSockets: clients / 2,
        batchesPerMessage: (shards - 1) / 4,
        messagesPerFrame: 4,
      },
    });
    const model = [1000, 10_000, 100_000].map((clients) => ({
      clients,
      oneObject: clients,
      filledFromEmpty: clients / 5,
      even: 2000,
      batches: clients <= 2000 ? 0 : clients / 2000 - 1,
    }));
    const { delivered, work } = shardCharts([shardRun(9000, 8), shardRun(2000, 4)], model);
    const lines = [...delivered.matchAll(/<path d="M([^"]+)" marker-end/g)].map((m) => m[1] ?? "");
    expect(lines).toHaveLength(3);
    for (const side of ["one object", "sharded", "floor"]) expect(delivered).toContain(`>${side}<`);
    // Four lines on paper; the batches' line starts where the room spreads (log scales have no 0).
    const paths = [...work.matchAll(/<path[^>]* d="M([^"]+)"/g)].map((m) => (m[1] ?? "").split("L").length);
    expect(paths).toContain(2);
    expect(work).toContain(">batches (one per fan-out shard)<");
    // Two measured runs, each a dot for the sequencer's sends and one for its batches.
    expect(work.match(/<circle/g)).toHaveLength(4);
  });

  it("leaves out of the sharded chart a side the run left out, instead of drawing it as 0", () => {
    const sharded = { deliveredPerSec: 90, p99Ms: 20, remoteSockets: 10, batchesPerMessage: 1, messagesPerFrame: 2 };
    const runs = [2000, 9000].map((clients) => ({
      clients,
      shards: 8,
      room: { deliveredPerSec: clients === 9000 ? null : 100 },
      floor: { deliveredPerSec: null },
      sharded,
    }));
    const { delivered } = shardCharts(runs, []);
    const points = [...delivered.matchAll(/<path d="M([^"]+)" marker-end/g)].map((m) => (m[1] ?? "").split("L").length);
    // The sharded room through both sizes; the one object at the size it was measured, as a lone point.
    expect(points).toEqual([2]);
    expect(delivered).toContain(">one object<");
    expect(delivered).not.toContain(">floor<");
  });
});
