import { describe, expect, it } from "vitest";
import { type HistoryFrame, ServerType, SystemEvent } from "../../src/protocol";
import { collapseRuns, RUN_LIMIT } from "../../src/room/core/notice-runs";

const say = (id: number, username = "ann"): HistoryFrame => ({
  type: ServerType.chatMessage,
  payload: { id, username, message: `message ${id}`, ts: 1000 + id },
});
/** What the room says after the name, for the notices runs are made of. */
const SAID: Partial<Record<SystemEvent, string>> = {
  [SystemEvent.join]: "joined",
  [SystemEvent.leave]: "left",
  [SystemEvent.operator]: "now runs the room",
};
const notice = (id: number, event: SystemEvent, username: string): HistoryFrame => ({
  type: ServerType.system,
  payload: { id, event, username, ts: 1000 + id, text: `${username} ${SAID[event] ?? event}` },
});
const joined = (id: number, username: string) => notice(id, SystemEvent.join, username);
const left = (id: number, username: string) => notice(id, SystemEvent.leave, username);
const runs = (id: number, username: string) => notice(id, SystemEvent.operator, username);

/** People leaving in turn from `from` on, each handing the room to the next: a leave, then the heir's notice. */
const handOvers = (from: number, names: readonly string[]) =>
  names.slice(1).flatMap((heir, i) => [left(from + 2 * i, names[i] ?? ""), runs(from + 2 * i + 1, heir)]);

/** What a reader sees: each entry's id and text. */
const collapse = (frames: HistoryFrame[], olderLeftOut = false) =>
  collapseRuns(
    frames,
    (f) => f,
    (f) => f,
    olderLeftOut,
  );
const shown = (frames: HistoryFrame[], olderLeftOut = false) =>
  collapse(frames, olderLeftOut).map(
    (f) => `${f.payload.id} ${f.type === ServerType.system ? f.payload.text : f.payload.message}`,
  );

describe("runs of comings and goings in history", () => {
  it("tells a burst of arrivals after the conversation as one line naming the first few", () => {
    const frames = [say(1), ...["bo", "cy", "di", "ed", "flo"].map((name, i) => joined(2 + i, name)), say(7)];
    expect(shown(frames)).toEqual(["1 message 1", "6 bo, cy, di and 2 more joined", "7 message 7"]);
    const [, told] = collapse(frames);
    expect(told?.payload).toMatchObject({ id: 6, username: "flo", ts: 1006, event: "join", collapsed: 5 });
  });

  it(`keeps runs of up to ${RUN_LIMIT} as they are`, () => {
    const frames = [say(1), joined(2, "bo"), left(3, "cy"), joined(4, "di"), say(5)];
    expect(shown(frames)).toEqual(["1 message 1", "2 bo joined", "3 cy left", "4 di joined", "5 message 5"]);
  });

  it("tells joins and leaves of one run apart, each at its newest id, a lone one as itself", () => {
    const frames = [say(1), joined(2, "bo"), left(3, "cy"), joined(4, "di"), joined(5, "bo"), left(6, "ed")];
    expect(shown(frames)).toEqual(["1 message 1", "5 bo, di joined", "6 cy, ed left"]);
    const lone = [say(1), joined(2, "bo"), joined(3, "cy"), left(4, "dan"), joined(5, "di")];
    expect(shown(lone)).toEqual(["1 message 1", "4 dan left", "5 bo, cy, di joined"]);
  });

  it("names someone who came back within a run once, but counts every notice", () => {
    const frames = [say(1), joined(2, "bo"), joined(3, "bo"), joined(4, "bo"), joined(5, "cy")];
    const told = collapse(frames).at(-1);
    expect(told?.payload).toMatchObject({ text: "bo, cy joined", collapsed: 4 });
  });

  it("leaves a run at the very start whole when older entries can be fetched from the first id shown", () => {
    const arrivals = (from: number) => ["bo", "cy", "di", "ed"].map((name, i) => joined(from + i, name));
    const frames = [...arrivals(1), say(5)];
    expect(shown(frames, true)).toEqual(["1 bo joined", "2 cy joined", "3 di joined", "4 ed joined", "5 message 5"]);
    expect(shown(frames, false)).toEqual(["4 bo, cy, di and 1 more joined", "5 message 5"]);
    expect(shown([say(1), ...arrivals(2), say(6)], true)).toEqual([
      "1 message 1",
      "5 bo, cy, di and 1 more joined",
      "6 message 6",
    ]);
  });

  it("tells a run of hand-overs as one line naming who runs the room now", () => {
    const names = ["ann", "bo", "cy", "di", "ed", "flo", "gus", "hal", "ivy"];
    const frames = [say(1), ...handOvers(2, names), say(18)];
    expect(shown(frames)).toEqual([
      "1 message 1",
      "16 ann, bo, cy and 5 more left",
      "17 ivy now runs the room (after 7 hand-overs)",
      "18 message 18",
    ]);
    const told = collapse(frames)[2];
    expect(told?.payload).toMatchObject({ id: 17, ts: 1017, event: "operator", username: "ivy", collapsed: 8 });
  });

  it("tells two hand-overs in a run as one, and a lone one as itself", () => {
    expect(shown([say(1), ...handOvers(2, ["ann", "bo", "cy"])])).toEqual([
      "1 message 1",
      "4 ann, bo left",
      "5 cy now runs the room (after 1 hand-over)",
    ]);
    expect(shown([say(1), joined(2, "bo"), joined(3, "cy"), left(4, "ann"), runs(5, "bo"), joined(6, "di")])).toEqual([
      "1 message 1",
      "4 ann left",
      "5 bo now runs the room",
      "6 bo, cy, di joined",
    ]);
  });

  it("names the newest heir even when they ran the room earlier in the run", () => {
    const frames = [say(1), ...handOvers(2, ["ann", "bo", "cy", "bo"])];
    expect(shown(frames).at(-1)).toBe("7 bo now runs the room (after 2 hand-overs)");
  });

  it("does not fold other notices or what was said into a run", () => {
    const frames = [
      say(1),
      joined(2, "bo"),
      joined(3, "cy"),
      notice(4, SystemEvent.kick, "cy"),
      joined(5, "di"),
      joined(6, "ed"),
      say(7, "ed"),
      joined(8, "flo"),
    ];
    expect(shown(frames)).toEqual([
      "1 message 1",
      "2 bo joined",
      "3 cy joined",
      "4 cy kick",
      "5 di joined",
      "6 ed joined",
      "7 message 7",
      "8 flo joined",
    ]);
  });

  it("tells a trailing run in short", () => {
    const frames = [say(1), ...Array.from({ length: 99 }, (_, i) => joined(2 + i, `c${i}`))];
    expect(shown(frames)).toEqual(["1 message 1", "100 c0, c1, c2 and 96 more joined"]);
  });
});
