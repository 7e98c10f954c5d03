import { type HistoryFrame, ServerType, SystemEvent, type SystemPayload, someNames } from "../protocol";

/** Runs of more than this many join and leave notices in a row are told in short. */
export const RUN_LIMIT = 3;
/** Names a collapsed notice spells out; the rest are counted. */
const NAMED = 3;

/** The notices that only say who came and went: the ones a run is made of. */
const COMINGS_AND_GOINGS: ReadonlySet<string> = new Set([SystemEvent.join, SystemEvent.leave]);

/**
 * History as a reader sees it: a run of more than `RUN_LIMIT` join and leave
 * notices in a row (nothing said, no other notice between) becomes one
 * notice for its joins and one for its leaves, each carrying the newest one's
 * id, time and name, and naming the first few people. Ten people arriving
 * while nobody spoke are one line, not ten, and a replay after a burst of
 * arrivals is the conversation, not a wall of "joined".
 *
 * The newest id is kept so a resume from the last id seen starts after the
 * whole run. With `olderLeftOut` (entries older than these exist and the
 * client may fetch them, paging back or filling a gap from the first id it
 * was shown), a run at the very start is left whole: told in short, it would
 * carry its newest id, and the fetch would hand back the rest of it.
 */
export function collapseRuns<T>(
  items: readonly T[],
  frameOf: (item: T) => HistoryFrame,
  wrap: (frame: HistoryFrame) => T,
  olderLeftOut: boolean,
): T[] {
  const out: T[] = [];
  let run: T[] = [];
  const close = () => {
    if (run.length > RUN_LIMIT && !(olderLeftOut && out.length === 0)) out.push(...told(run, frameOf, wrap));
    else out.push(...run);
    run = [];
  };
  for (const item of items) {
    const frame = frameOf(item);
    if (frame.type === ServerType.system && COMINGS_AND_GOINGS.has(frame.payload.event)) {
      run.push(item);
      continue;
    }
    close();
    out.push(item);
  }
  close();
  return out;
}

/** One run in short: per kind, the notice itself when it is alone, else one that stands for all of them. */
function told<T>(run: readonly T[], frameOf: (item: T) => HistoryFrame, wrap: (frame: HistoryFrame) => T): T[] {
  const byKind = new Map<string, { item: T; payload: SystemPayload }[]>();
  for (const item of run) {
    const frame = frameOf(item);
    if (frame.type !== ServerType.system) continue;
    const kind = byKind.get(frame.payload.event) ?? [];
    kind.push({ item, payload: frame.payload });
    byKind.set(frame.payload.event, kind);
  }
  const told: { id: number; item: T }[] = [];
  for (const [event, notices] of byKind) {
    const newest = notices.at(-1);
    if (!newest) continue;
    if (notices.length === 1) {
      told.push({ id: newest.payload.id, item: newest.item });
      continue;
    }
    const names = [...new Set(notices.map((n) => n.payload.username))];
    const verb = event === SystemEvent.join ? "joined" : "left";
    const payload: SystemPayload = {
      ...newest.payload,
      text: `${someNames(names, NAMED)} ${verb}`,
      collapsed: notices.length,
    };
    told.push({ id: payload.id, item: wrap({ type: ServerType.system, payload }) });
  }
  return told.sort((a, b) => a.id - b.id).map((t) => t.item);
}
