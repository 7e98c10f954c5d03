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
  function chart(y: "deliveredPerSec" | "p99Ms", label: string): string {
    // A side that delivered nothing in its window has no latency to draw (the histogram reads 0).
    const shown = y === "p99Ms" ? points.filter((p) => p.deliveredPerSec > 0) : points;
    return drawn(
      label,
      [...new Set(points.map((p) => p.clients))],
      { domain: ["room", "floor"], range: ["#1f6feb", "#888888"] },
      [
        Plot.line(shown, { x: "clients", y, z: "side", stroke: "side", marker: "circle" }),
        Plot.text(shown, Plot.selectLast({ x: "clients", y, z: "side", text: "side", dx: 8, textAnchor: "start" })),
      ],
      { yType: "linear", width: 640, height: 360, marginRight: 50 },
    );
  }
  return { delivered: chart("deliveredPerSec", "delivered messages / s"), p99: chart("p99Ms", "p99 latency (ms)") };
}

/** A `--shards` run: its size, the shards asked for, and the three sides. */
export interface ShardRun {
  clients: number;
  shards: number;
  /** Null where the run left the side out. */
  room: { deliveredPerSec: number | null };
  floor: { deliveredPerSec: number | null };
  sharded: Side & { remoteSockets: number | null; batchesPerMessage: number | null; messagesPerFrame: number };
}

/** The sequencer's sends per flush at one room size, on paper (`capacity.ts`). */
export interface WorkPoint {
  clients: number;
  /** One object: a send per person. */
  oneObject: number;
  /** Over shards: the sequencer's own sockets and a batch per fan-out shard, the room filled from empty, and even. */
  filledFromEmpty: number;
  even: number;
  /** Of which batches, one per fan-out shard. */
  batches: number;
}

/**
 * The sharded room's charts: delivered/s of the three sides against room
 * size (measured), and the sequencer's sends per flush (on paper to 100,000,
 * with the measured runs as dots: its own sockets plus the batches per message
 * times the messages each flush carried).
 */
export function shardCharts(
  runs: readonly ShardRun[],
  model: readonly WorkPoint[],
): { delivered: string; work: string } {
  const sorted = [...runs].sort((a, b) => a.clients - b.clients);
  const sides = ["one object", "sharded", "floor"] as const;
  const delivered = sorted.flatMap((r) =>
    sides.flatMap((side) => {
      const value = (side === "one object" ? r.room : side === "sharded" ? r.sharded : r.floor).deliveredPerSec;
      return value === null ? [] : [{ clients: r.clients, side, value }];
    }),
  );
  const series = [
    "one object",
    "sharded, filled from empty",
    "sharded, even",
    "batches (one per fan-out shard)",
  ] as const;
  // A room of one shard sends no batches: that line starts where the room spreads (a log scale has no 0).
  const lines = model.flatMap((p) =>
    series
      .map((side, i) => ({
        clients: p.clients,
        side,
        value: [p.oneObject, p.filledFromEmpty, p.even, p.batches][i] ?? 0,
      }))
      .filter((point) => point.value > 0),
  );
  const measured = sorted.flatMap((r) => {
    const { remoteSockets, batchesPerMessage, messagesPerFrame } = r.sharded;
    if (remoteSockets === null || batchesPerMessage === null) return [];
    const batches = batchesPerMessage * messagesPerFrame;
    return [
      { clients: r.clients, side: "measured sends", value: r.clients - remoteSockets + batches },
      { clients: r.clients, side: "measured batches", value: batches },
    ];
  });
  const colors = { domain: [...sides], range: ["#1f6feb", "#d1242f", "#888888"] };
  const workColors = {
    domain: [...series, "measured sends", "measured batches"],
    range: ["#1f6feb", "#d1242f", "#f0883e", "#2da44e", "#d1242f", "#2da44e"],
  };
  return {
    delivered: drawn(
      "delivered messages / s",
      [...new Set(sorted.map((r) => r.clients))],
      colors,
      [
        Plot.line(delivered, { x: "clients", y: "value", z: "side", stroke: "side", marker: "circle" }),
        Plot.text(
          delivered,
          Plot.selectLast({ x: "clients", y: "value", z: "side", text: "side", dx: 8, textAnchor: "start" }),
        ),
      ],
      { yType: "linear", width: 720, height: 380, marginRight: 140 },
    ),
    work: drawn(
      "the sequencer's sends per flush (log scale)",
      [...new Set([...model.map((p) => p.clients), ...sorted.map((r) => r.clients)])],
      workColors,
      [
        Plot.line(lines, { x: "clients", y: "value", z: "side", stroke: "side" }),
        Plot.text(
          lines,
          Plot.selectLast({ x: "clients", y: "value", z: "side", text: "side", dx: 8, textAnchor: "start" }),
        ),
        Plot.dot(measured, { x: "clients", y: "value", stroke: "side", r: 4 }),
      ],
      { yType: "log", width: 760, height: 400, marginRight: 230 },
    ),
  };
}

/** One chart against clients in the room (log x), as a standalone SVG document. */
function drawn(
  label: string,
  ticks: number[],
  color: { domain: string[]; range: string[] },
  marks: PlotOptions["marks"],
  size: { yType: "linear" | "log"; width: number; height: number; marginRight: number },
): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const figure = Plot.plot({
    // linkedom's document stands in for a browser's; Plot only creates and appends elements.
    document: document as unknown as PlotOptions["document"],
    width: size.width,
    height: size.height,
    marginLeft: 70,
    marginRight: size.marginRight,
    // The axis label under the ticks, so it never sits on the last one.
    marginBottom: 50,
    style: { background: "white", fontSize: "12px" },
    x: { type: "log", label: "clients in the room (log scale)", labelAnchor: "center", labelOffset: 40, ticks },
    y: { type: size.yType, grid: true, label },
    color: { legend: false, ...color },
    marks,
  });
  const svg = (figure as unknown as { outerHTML: string }).outerHTML;
  // A standalone file: the namespace, and a title for screen readers.
  const open = svg.includes("xmlns=") ? "<svg" : '<svg xmlns="http://www.w3.org/2000/svg"';
  return svg.replace(/^<svg([^>]*)>/, `${open}$1 role="img"><title>${label} against clients in the room</title>`);
}
