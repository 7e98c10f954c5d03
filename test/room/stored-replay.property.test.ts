import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type HistoryFrame, type Reactions, ServerType, SystemEvent } from "../../src/protocol";
import { HistoryStore } from "../../src/room/store/history";
import { Sequencer } from "../../src/room/store/sequencer";
import { chat, dm, notice } from "../store/frames";
import { nodeSql } from "../store/node-sql";
import { type KeptDm, storedReplay } from "./stored-replay";

const SESSIONS = ["session-ann", "session-bob", "session-eve"];
const EMOJI = ["👍", "🎉"];

type Step =
  | { kind: "chat" }
  | { kind: "notice"; event: (typeof NOTICES)[number] }
  | { kind: "dm"; from: number; to: number }
  | { kind: "edit" | "delete"; pick: number }
  | { kind: "react"; pick: number; emoji: number; session: number }
  | { kind: "restart" }
  | { kind: "replay"; since: number | null; session: number; reset: boolean };

const NOTICES = [SystemEvent.join, SystemEvent.leave, SystemEvent.operator, SystemEvent.kick] as const;
const person = fc.nat(SESSIONS.length - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "chat" as const }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant("notice" as const), event: fc.constantFrom(...NOTICES) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("dm" as const), from: person, to: person }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("edit" as const, "delete" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("react" as const),
      pick: fc.nat(),
      emoji: fc.nat(EMOJI.length - 1),
      session: person,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "restart" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("replay" as const),
      since: fc.option(fc.nat(900)),
      session: person,
      reset: fc.boolean(),
    }),
  },
);

/**
 * A busy stretch: mostly kicks (notices a replay must not drop) and DMs
 * between two people, so a replay's bounds are crossed: more notices than
 * the newest 100 and the 100 before them, more DMs than a first visit
 * carries, more than a pair keeps.
 */
const busy: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "notice" as const, event: SystemEvent.kick }) },
  { weight: 5, arbitrary: fc.boolean().map((ann) => ({ kind: "dm" as const, from: ann ? 0 : 1, to: ann ? 1 : 0 })) },
  { weight: 1, arbitrary: fc.constant({ kind: "chat" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("replay" as const),
      since: fc.option(fc.nat(100)),
      session: fc.nat(1),
      reset: fc.constant(false),
    }),
  },
);

/**
 * The room's history store on Node's SQLite beside the in-memory history a
 * test room keeps, fed the same steps: every replay must read the same.
 */
function run(steps: readonly Step[]): void {
  const sql = nodeSql();
  const open = () => {
    const ids = new Sequencer(sql);
    return { ids, store: new HistoryStore(sql, ids) };
  };
  let { ids, store } = open();
  let lastId = 0;
  const history: HistoryFrame[] = [];
  const dms: KeptDm[] = [];
  const reactions = new Map<number, Map<string, Map<string, string>>>();
  const revisions = new Map<number, number>();
  const reactionsOf = (id: number): Reactions | undefined => {
    const set = reactions.get(id);
    if (!set || set.size === 0) return undefined;
    return Object.fromEntries([...set].map(([emoji, who]) => [emoji, [...who.values()]]));
  };
  const standing = (pick: number) => {
    const live = history.filter((f) => f.type === ServerType.chatMessage && !f.payload.deleted);
    return live.length === 0 ? undefined : live[pick % live.length];
  };
  const revise = (frame: HistoryFrame) => {
    store.revise(frame);
    history[history.findIndex((f) => f.payload.id === frame.payload.id)] = frame;
    revisions.set(frame.payload.id, lastId);
  };

  for (const s of steps) {
    switch (s.kind) {
      case "chat":
      case "notice": {
        const frame = s.kind === "chat" ? chat(++lastId) : notice(++lastId, s.event);
        store.append(frame);
        ids.settle(lastId);
        history.push(frame);
        break;
      }
      case "dm": {
        const [from = "", to = ""] = [SESSIONS[s.from], SESSIONS[s.to]];
        const frame = dm(++lastId, from, to);
        store.appendDm(frame, from, to);
        ids.settle(lastId);
        dms.push({ frame, from, to });
        break;
      }
      case "edit":
      case "delete": {
        const target = standing(s.pick);
        if (target?.type !== ServerType.chatMessage) break;
        const { id } = target.payload;
        const changed =
          s.kind === "edit"
            ? { ...target.payload, message: `edited at ${lastId}`, editedAt: 9_000 + lastId }
            : { ...target.payload, message: "", deleted: true as const };
        if (s.kind === "delete") reactions.delete(id);
        revise({ type: ServerType.chatMessage, payload: changed });
        break;
      }
      case "react": {
        const target = standing(s.pick);
        if (!target) break;
        const { id } = target.payload;
        const [emoji = "", session = ""] = [EMOJI[s.emoji], SESSIONS[s.session]];
        const set = reactions.get(id) ?? new Map<string, Map<string, string>>();
        const who = set.get(emoji) ?? new Map<string, string>();
        const on = !who.has(session);
        store.react({ id, emoji, session, username: session, on, at: lastId });
        if (on) who.set(session, session);
        else who.delete(session);
        if (who.size > 0) set.set(emoji, who);
        else set.delete(emoji);
        reactions.set(id, set);
        revisions.set(id, lastId);
        break;
      }
      case "restart":
        ({ ids, store } = open());
        break;
      case "replay": {
        const since = s.since ?? undefined;
        const session = SESSIONS[s.session] ?? "";
        const real = store.replayText(since, session, s.reset).map((text) => JSON.parse(text));
        const kept = storedReplay({ history, dms, reactionsOf, revisions }, since, session, s.reset);
        expect(kept).toEqual(real);
        break;
      }
      default:
        s satisfies never;
    }
  }
}

describe("the replay a test room builds from what it keeps", () => {
  // Histories of hundreds of entries, so replays cross the 100-entry windows: a run takes seconds,
  // and a failure's shrinking is cut short rather than left to run on.
  it("reads as the history store's, message for message, for any history, joiner and resume", {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 100, maxLength: 900, size: "max" }), (steps) => run(steps)),
      { numRuns: 40, interruptAfterTimeLimit: 30_000 },
    );
  });

  it("keeps to the store's bounds through a busy stretch of notices and DMs", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.array(busy, { minLength: 700, maxLength: 1_000, size: "max" }), (steps) => run(steps)),
      { numRuns: 10, interruptAfterTimeLimit: 30_000 },
    );
  });
});
