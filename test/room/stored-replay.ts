import {
  type ChatMessageFrame,
  DM_PAIR_RETENTION,
  DM_RETENTION,
  type DmFrame,
  type HistoryFrame,
  MAX_HISTORY,
  RESUME_UPDATES_MAX,
  type Reactions,
  type ReplayFrame,
  type ServerFrame,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../../src/protocol";
import { collapseRuns } from "../../src/room/core/notice-runs";

/** A DM as the room stores it: with the sessions of its two parties, who alone may be replayed it. */
export interface KeptDm {
  /** A DM; or, in a blocked conversation, a message kept for its sender alone. */
  frame: DmFrame | ChatMessageFrame;
  from: string;
  to: string;
}

/** What a test room keeps in memory where the Durable Object keeps tables. */
export interface KeptRoom {
  /** Chat messages and notices, oldest first, each as it stands now (edited, deleted). */
  history: readonly HistoryFrame[];
  dms: readonly KeptDm[];
  /** A chat message's reactions, as replays show them; undefined when it has none. */
  reactionsOf(id: number): Reactions | undefined;
  /** When each changed message last changed: the highest id handed out by then. */
  revisions: ReadonlyMap<number, number>;
}

/** Join and leave notices are only presence: the ones a replay may leave out of a busy stretch. */
const PRESENCE_ONLY: ReadonlySet<string> = new Set([SystemEvent.join, SystemEvent.leave]);

/**
 * What the room's history store sends a joiner (`HistoryStore.replayText`),
 * built from what a test room keeps: the `history` frame, then, for a
 * resume, a `messageUpdated` for each message the client had that changed
 * since. Kept to the store's rules: of the entries after `since`, the
 * newest 100 chat messages and the notices after the oldest of them (the
 * newest 100, and older ones that are more than presence, up to 100 more),
 * runs of notices told in short, the person's own DMs of that stretch woven
 * in by id, and `truncated`, `missed` and `reset` as the store sets them.
 * Not modelled: pruning past the bounds (HISTORY_MAX_MESSAGES chat, 1,100 notices). The
 * property test beside it holds this to the store itself, on Node's SQLite.
 */
export function storedReplay(
  room: KeptRoom,
  since: number | undefined,
  session: string,
  reset: boolean,
): [ServerFrame, ...ServerFrame[]] {
  const after = since ?? 0;
  const ofKind = (chat: boolean) => room.history.filter((f) => (f.type === ServerType.chatMessage) === chat);
  const chat = ofKind(true)
    .slice(-MAX_HISTORY)
    .filter((f) => f.payload.id > after);
  // With a full window of chat, older chat may exist: no notice from across that gap.
  const floor = chat.length === MAX_HISTORY ? (chat[0]?.payload.id ?? after) : after;
  const notices = ofKind(false);
  const ring = notices.slice(-MAX_HISTORY);
  const ringStart = ring[0]?.payload.id ?? Number.POSITIVE_INFINITY;
  const older = notices.filter(
    (f) =>
      f.payload.id > floor &&
      f.payload.id < ringStart &&
      !(f.type === ServerType.system && PRESENCE_ONLY.has(f.payload.event)),
  );
  const olderCut = older.length > MAX_HISTORY;
  const entries = [...chat, ...older.slice(-MAX_HISTORY), ...ring.filter((f) => f.payload.id > floor)].sort(byId);
  const first = entries[0]?.payload.id;
  const gap = first === undefined ? 0 : room.history.filter((f) => f.payload.id > after && f.payload.id < first).length;
  const truncated = olderCut || gap > 0;

  const dmFloor = since ?? (first === undefined ? 0 : first - 1);
  const dmLimit = since === undefined ? MAX_HISTORY : DM_RETENTION;
  const dms = keptDms(room.dms)
    .filter((d) => (d.from === session || d.to === session) && d.frame.payload.id > dmFloor)
    .map((d) => d.frame);
  const dmsCut = dms.length > dmLimit;

  const messages: ReplayFrame[] = [
    ...collapseRuns(
      entries,
      (f) => f,
      (f) => f,
      truncated,
    ).map((f) => withReactions(room, f)),
    ...dms.slice(-dmLimit),
  ].sort(byId);
  const history = serverFrame(ServerType.history, {
    messages,
    truncated: truncated || dmsCut,
    ...(truncated && since !== undefined && first !== undefined ? { missed: gap } : {}),
    ...(reset ? { reset: true as const } : {}),
  });
  return [history, ...(since === undefined ? [] : changedSince(room, since))];
}

/** The DMs a pair's bound leaves: the newest `DM_PAIR_RETENTION` between each two people. */
function keptDms(dms: readonly KeptDm[]): KeptDm[] {
  const left = new Map<string, number>();
  const kept: KeptDm[] = [];
  for (let i = dms.length - 1; i >= 0; i--) {
    const dm = dms[i];
    if (!dm) continue;
    const pair = [dm.from, dm.to].sort().join(" ");
    const count = left.get(pair) ?? 0;
    if (count >= DM_PAIR_RETENTION) continue;
    left.set(pair, count + 1);
    kept.push(dm);
  }
  return kept.reverse();
}

function withReactions(room: KeptRoom, frame: HistoryFrame): HistoryFrame {
  if (frame.type !== ServerType.chatMessage) return frame;
  const reactions = room.reactionsOf(frame.payload.id);
  return reactions ? serverFrame(ServerType.chatMessage, { ...frame.payload, reactions }) : frame;
}

/** Messages at or before `since` that changed after the client last heard from the room, each as it stands. */
function changedSince(room: KeptRoom, since: number): ServerFrame[] {
  const ids = [...room.revisions]
    .filter(([id, at]) => at >= since && id <= since)
    .map(([id]) => id)
    .sort((a, b) => a - b)
    .slice(0, RESUME_UPDATES_MAX);
  return ids.flatMap((id) => {
    const frame = room.history.find((f) => f.payload.id === id);
    if (frame?.type !== ServerType.chatMessage) return [];
    const { message, editedAt, deleted } = frame.payload;
    const update = deleted
      ? { id, deleted }
      : { id, message, ...(editedAt === undefined ? {} : { editedAt }), reactions: room.reactionsOf(id) ?? {} };
    return [serverFrame(ServerType.messageUpdated, update)];
  });
}

function byId(a: ReplayFrame, b: ReplayFrame): number {
  return a.payload.id - b.payload.id;
}
