import { describe, expect, it } from "vitest";
import { scalingCharts } from "../../bench/charts";

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
});
