import type { AroundPage } from "./history-pages";
import { type ChatModel, type GapLine, type Line, oldestId, toLine } from "./model";

/**
 * v1.9: puts the page around a search result (`?around=`) among the lines
 * already shown, by id, with nothing twice. Where it lands away from the
 * rest, a gap line stands for what lies between, so nothing is missing
 * either: older than everything shown, "Load older" goes on from the page's
 * oldest and a gap (`newer`) offers what lies between it and the loaded
 * part; inside a gap, the gap is split around the page. Returns false when
 * the page holds no entries.
 */
export function landAround(model: ChatModel, page: AroundPage, target: number): boolean {
  const first = page.messages[0]?.payload.id;
  const last = page.messages.at(-1)?.payload.id;
  const lastTs = page.messages.at(-1)?.payload.ts;
  if (first === undefined || last === undefined || lastTs === undefined) return false;
  const fresh: Line[] = [];
  for (const frame of page.messages) {
    if (model.seen.has(frame.payload.id)) continue;
    model.seen.add(frame.payload.id);
    fresh.push(toLine(frame, model.me, model.authorId));
  }
  const oldest = oldestId(model);
  const lines = model.lines;
  // Where the page goes: the slot in `lines` it fills, and the first id loaded after that slot.
  let start: number;
  let end: number;
  let next: number | null;
  const kept: GapLine[] = [];
  if (oldest === null || target < oldest) {
    start = 0;
    end = 0;
    next = oldest;
    model.hasOlder = page.hasMore;
  } else {
    const gap = lines.find((l): l is GapLine => l.kind === "gap" && l.after < target && target < l.before);
    if (!gap) {
      model.lines = insertAll(lines, fresh);
      return true;
    }
    start = lines.indexOf(gap);
    end = start + 1;
    next = gap.before;
    // What lies between the gap's start and the page stays to be loaded.
    if (page.hasMore && first > gap.after + 1) kept.push({ ...gap, before: first });
  }
  const inSlot = fresh.filter((l) => next === null || (l.id ?? 0) < next);
  const beyond = fresh.filter((l) => !inSlot.includes(l));
  const after: GapLine[] =
    next !== null && page.hasNewer && last < next - 1
      ? [{ kind: "gap", id: null, after: last, before: next, ts: lastTs, newer: true }]
      : [];
  const landed = [...lines.slice(0, start), ...kept, ...inSlot, ...after, ...lines.slice(end)];
  model.lines = insertAll(landed, beyond);
  return true;
}

/** Each of `fresh` before the first line with a higher id. */
function insertAll(lines: Line[], fresh: Line[]): Line[] {
  let out = lines;
  for (const line of fresh) {
    const id = line.id ?? 0;
    const at = out.findIndex((l) => l.id !== null && l.id > id);
    out = at < 0 ? [...out, line] : [...out.slice(0, at), line, ...out.slice(at)];
  }
  return out;
}
