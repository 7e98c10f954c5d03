import { describe, expect, it } from "vitest";
import { type HistoryFrame, ServerType, SystemEvent } from "../../src/protocol";
import { collapseRuns, RUN_LIMIT } from "../../src/room/notice-runs";

const say = (id: number, username = "ann"): HistoryFrame => ({
  type: ServerType.chatMessage,
  payload: { id, username, message: `message ${id}`, ts: 1000 + id },
});
const notice = (id: number, event: SystemEvent, username: string): HistoryFrame => ({
  type: ServerType.system,
  payload: {
    id,
    event,
    username,
    ts: 1000 + id,
    text: `${username} ${event === SystemEvent.join ? "joined" : event === SystemEvent.leave ? "left" : event}`,
  },
});
const joined = (id: number, username: string) => notice(id, SystemEvent.join, username);
const left = (id: number, username: string) => notice(id, SystemEvent.leave, username);

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

  it("does not fold other notices or what was said into a run", () => {
    const frames = [
      say(1),
      joined(2, "bo"),
      joined(3, "cy"),
      notice(4, SystemEvent.operator, "cy"),
      joined(5, "di"),
      joined(6, "ed"),
      say(7, "ed"),
      joined(8, "flo"),
    ];
    expect(shown(frames)).toEqual([
      "1 message 1",
      "2 bo joined",
      "3 cy joined",
      "4 cy operator",
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
