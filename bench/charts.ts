import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

type PlotOptions = NonNullable<Parameters<typeof Plot.plot>[0]>;

/**
 * The scaling charts, drawn from benchmark results with Observable Plot on a
 * server-side DOM: delivered/s and p99 against room size, room and floor.
 */

export interface Side {
  deliveredPerSec: number;
  p99Ms: number;
}
export interface Run {
  clients: number;
  compression: string;
  room: Side;
  floor: Side;
}

/** One SVG document per metric, from runs of different room sizes. */
export function scalingCharts(runs: readonly Run[]): { delivered: string; p99: string } {
  const points = [...runs]
    .sort((a, b) => a.clients - b.clients)
    .flatMap((r) =>
      (["room", "floor"] as const).map((side) => ({
        clients: r.clients,
        side,
        deliveredPerSec: r[side].deliveredPerSec,
        p99Ms: r[side].p99Ms,
      })),
    );
  const { document } = parseHTML("<!doctype html><html><body></body></html>");

  function chart(y: "deliveredPerSec" | "p99Ms", label: string): string {
    // A side that delivered nothing in its window has no latency to draw (the histogram reads 0).
    const drawn = y === "p99Ms" ? points.filter((p) => p.deliveredPerSec > 0) : points;
    const figure = Plot.plot({
      // linkedom's document stands in for a browser's; Plot only creates and appends elements.
      document: document as unknown as PlotOptions["document"],
      width: 640,
      height: 360,
      marginLeft: 70,
      marginRight: 50,
      // The axis label under the ticks, so it never sits on the last one.
      marginBottom: 50,
      style: { background: "white", fontSize: "12px" },
      x: {
        type: "log",
        label: "clients in the room (log scale)",
        labelAnchor: "center",
        labelOffset: 40,
        ticks: [...new Set(points.map((p) => p.clients))],
      },
      y: { grid: true, label },
      color: { legend: false, domain: ["room", "floor"], range: ["#1f6feb", "#888888"] },
      marks: [
        Plot.line(drawn, { x: "clients", y, z: "side", stroke: "side", marker: "circle" }),
        Plot.text(drawn, Plot.selectLast({ x: "clients", y, z: "side", text: "side", dx: 8, textAnchor: "start" })),
      ],
    });
    const svg = (figure as unknown as { outerHTML: string }).outerHTML;
    // A standalone file: the namespace, and a title for screen readers.
    const open = svg.includes("xmlns=") ? "<svg" : '<svg xmlns="http://www.w3.org/2000/svg"';
    return svg.replace(/^<svg([^>]*)>/, `${open}$1 role="img"><title>${label} against clients in the room</title>`);
  }
  return { delivered: chart("deliveredPerSec", "delivered messages / s"), p99: chart("p99Ms", "p99 latency (ms)") };
}
