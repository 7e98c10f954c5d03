import { type HistoryFrame, ServerType, SystemEvent, type SystemPayload, someNames } from "../../protocol";

/** Runs of more than this many join, leave and hand-over notices in a row are told in short. */
export const RUN_LIMIT = 3;
/** Names a collapsed notice spells out; the rest are counted. */
const NAMED = 3;

/**
 * The notices a run is made of, each kind with how it is told in short, from
 * the names in it (oldest first, each once), how many notices it stands for
 * and the newest one's name.
 * A hand-over comes with the leave of the one who ran the room, so people
 * leaving in turn make a run of both kinds; what matters of the hand-overs is
 * who runs the room now, the newest heir, and the rest are counted.
 */
type Teller = (names: readonly string[], count: number, newest: string) => string;
const TOLD: ReadonlyMap<string, Teller> = new Map<string, Teller>([
  [SystemEvent.join, (names) => `${someNames(names, NAMED)} joined`],
  [SystemEvent.leave, (names) => `${someNames(names, NAMED)} left`],
  [
    SystemEvent.operator,
    (_, count, newest) => `${newest} now runs the room (after ${count - 1} hand-over${count === 2 ? "" : "s"})`,
  ],
]);

/**
 * History as a reader sees it: a run of more than `RUN_LIMIT` join, leave and
 * hand-over notices in a row (nothing said, no other notice between) becomes
 * one notice for its joins, one for its leaves and one for its hand-overs,
 * each carrying the newest one's id, time and name, and naming the first few
 * people (for hand-overs, who runs the room now). Ten people arriving while
 * nobody spoke are one line, not ten, and a replay after a burst of arrivals
 * is the conversation, not a wall of "joined".
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
    if (frame.type === ServerType.system && TOLD.has(frame.payload.event)) {
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
    const text = TOLD.get(event)?.(names, notices.length, newest.payload.username) ?? newest.payload.text;
    const payload: SystemPayload = { ...newest.payload, text, collapsed: notices.length };
    told.push({ id: payload.id, item: wrap({ type: ServerType.system, payload }) });
  }
  return told.sort((a, b) => a.id - b.id).map((t) => t.item);
}
