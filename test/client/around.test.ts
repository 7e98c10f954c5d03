import { describe, expect, it } from "vitest";
import { landAround } from "../../src/client/core/around";
import { applyFrame, emptyModel, fillGap, type GapLine, prependOlder } from "../../src/client/core/model";
import type { HistoryFrame } from "../../src/protocol";

const chat = (id: number): HistoryFrame => ({
  type: "chatMessage",
  payload: { id, username: "ann", message: `m${id}`, ts: 1000 + id },
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => chat(from + i));
const ids = (lines: { id: number | null; kind: string }[]) => lines.map((l) => (l.kind === "gap" ? "gap" : l.id));

/** A room joined with its newest entries 90-100 shown and older ones on the server. */
function joined() {
  const model = emptyModel("r");
  applyFrame(model, { type: "history", payload: { messages: range(90, 100), truncated: true } });
  return model;
}

describe("landing on a search result far back", () => {
  it("shows the page around it before the loaded part, with a gap for what lies between", () => {
    const model = joined();
    expect(landAround(model, { messages: range(8, 12), hasMore: true, hasNewer: true }, 10)).toBe(true);
    expect(ids(model.lines)).toEqual([8, 9, 10, 11, 12, "gap", ...range(90, 100).map((f) => f.payload.id)]);
    const gap = model.lines[5] as GapLine;
    expect(gap).toMatchObject({ after: 12, before: 90, newer: true });
    expect(model.hasOlder).toBe(true);
    // The live end is untouched: the next id expected over the socket is still after 100.
    expect(model.lastId).toBe(100);
  });

  it("fills back to the live end with no line twice or missing, then pages older from the landing", () => {
    const model = joined();
    landAround(model, { messages: range(8, 12), hasMore: true, hasNewer: true }, 10);
    const gap = model.lines.find((l) => l.kind === "gap") as GapLine;
    expect(fillGap(model, gap, range(13, 60), true)).toBe(false);
    expect(fillGap(model, gap, range(61, 100), false)).toBe(true);
    prependOlder(model, range(1, 7), false);
    expect(ids(model.lines)).toEqual(range(1, 100).map((f) => f.payload.id));
  });

  it("needs no gap when the page reaches what is loaded, and shows nothing twice", () => {
    const model = joined();
    landAround(model, { messages: range(80, 95), hasMore: true, hasNewer: true }, 87);
    expect(ids(model.lines)).toEqual(range(80, 100).map((f) => f.payload.id));
  });

  it("splits a gap the result lies inside, keeping both sides to load", () => {
    const model = joined();
    landAround(model, { messages: range(8, 12), hasMore: true, hasNewer: true }, 10);
    landAround(model, { messages: range(40, 44), hasMore: true, hasNewer: true }, 42);
    expect(ids(model.lines)).toEqual([
      8,
      9,
      10,
      11,
      12,
      "gap",
      40,
      41,
      42,
      43,
      44,
      "gap",
      ...range(90, 100).map((f) => f.payload.id),
    ]);
    const [older, newer] = model.lines.filter((l): l is GapLine => l.kind === "gap");
    expect(older).toMatchObject({ after: 12, before: 40 });
    expect(newer).toMatchObject({ after: 44, before: 90, newer: true });
  });

  it("lands in an empty view and says when the room's first entries are reached", () => {
    const model = emptyModel("r");
    landAround(model, { messages: range(1, 6), hasMore: false, hasNewer: true }, 2);
    expect(ids(model.lines)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(model.hasOlder).toBe(false);
    expect(landAround(model, { messages: [], hasMore: false, hasNewer: false }, 3)).toBe(false);
  });
});
