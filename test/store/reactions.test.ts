import { describe, expect, it } from "vitest";
import type { Sql } from "../../src/platform/sql";
import { parseServerData, RESUME_UPDATES_MAX, type Reactions, ServerType } from "../../src/protocol";
import { HistoryStore } from "../../src/room/store/history";
import { Sequencer } from "../../src/room/store/sequencer";
import { withDatabase } from "./database";
import { chat } from "./frames";

/** The history as the room opens it, with message 1 said; built again on the same `sql`, a restart. */
function open(sql: Sql): HistoryStore {
  const sequencer = new Sequencer(sql);
  const history = new HistoryStore(sql, sequencer);
  if (history.findMessage(1) === null) {
    history.append(chat(1), undefined, "session-ann");
    sequencer.settle(1);
  }
  return history;
}

/** One toggle, as the room's rules ask for it. */
function toggle(history: HistoryStore, emoji: string, who: string, on: boolean): void {
  history.react({ id: 1, emoji, session: `session-${who}`, username: who, on, at: 2_000 });
}

/** Message 1's reactions as a page shows them. */
function reactionsOn(history: HistoryStore): Reactions {
  const [message] = history.page(undefined, 1).messages;
  return (message?.type === ServerType.chatMessage && message.payload.reactions) || {};
}

describe("reactions", () => {
  it("toggle one person's emoji on and off, with emoji in the order first used and people in the order they came", () =>
    withDatabase((sql) => {
      const history = open(sql);
      toggle(history, "😀", "bob", true);
      toggle(history, "👍", "cat", true);
      toggle(history, "😀", "cat", true);
      expect(reactionsOn(history)).toEqual({ "😀": ["bob", "cat"], "👍": ["cat"] });
      expect(history.reactionOf(1, "😀", "session-cat")).toEqual({ mine: "cat", present: true, distinct: 2 });
      expect(history.reactionOf(1, "🎉", "session-cat")).toEqual({ mine: null, present: false, distinct: 2 });

      toggle(history, "😀", "bob", false);
      expect(history.reactionOf(1, "😀", "session-bob")).toEqual({ mine: null, present: true, distinct: 2 });
      toggle(history, "😀", "cat", false);
      expect(reactionsOn(history)).toEqual({ "👍": ["cat"] });
      // An emoji everyone took back and used again comes last.
      toggle(history, "😀", "bob", true);
      expect(Object.keys(reactionsOn(history))).toEqual(["👍", "😀"]);
    }));

  it("are read back in the same order after a restart, in a replay and in a page", () =>
    withDatabase((sql) => {
      const history = open(sql);
      for (const who of ["bob", "cat", "dan"]) toggle(history, "🎉", who, true);
      toggle(history, "😀", "bob", true);
      const restarted = open(sql);
      expect(reactionsOn(restarted)).toEqual({ "🎉": ["bob", "cat", "dan"], "😀": ["bob"] });
      const [replay = ""] = restarted.replayText(undefined, "session-eve");
      expect(JSON.parse(replay).payload.messages[0].payload.reactions).toEqual({
        "🎉": ["bob", "cat", "dan"],
        "😀": ["bob"],
      });
    }));

  it("reach a resume from before them as the message's whole current state", () =>
    withDatabase((sql) => {
      const history = open(sql);
      toggle(history, "😀", "bob", true);
      const [, update = ""] = open(sql).replayText(1, "session-ann");
      expect(JSON.parse(update)).toEqual({
        type: ServerType.messageUpdated,
        payload: { id: 1, message: "message 1", reactions: { "😀": ["bob"] } },
      });
    }));

  it("go with the message when it is deleted", () =>
    withDatabase((sql) => {
      const history = open(sql);
      toggle(history, "😀", "bob", true);
      history.revise({ type: ServerType.chatMessage, payload: { ...chat(1).payload, message: "", deleted: true } });
      expect(reactionsOn(open(sql))).toEqual({});
      expect(open(sql).reactionOf(1, "😀", "session-bob")).toEqual({ mine: null, present: false, distinct: 0 });
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM reactions").one().n).toBe(0);
    }));

  it("listed by name in the frames of a room stored by an earlier version become rows, once", () =>
    withDatabase((sql) => {
      sql.exec(
        "CREATE TABLE history (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL, frame TEXT NOT NULL)",
      );
      const listed = { ...chat(1).payload, reactions: { "👍": ["bob", "cat"], "😀": ["dan"] } };
      sql.exec(
        "INSERT INTO history (id, ts, type, frame) VALUES (1, 1001, 'chatMessage', ?)",
        JSON.stringify({ type: ServerType.chatMessage, payload: listed }),
      );
      const history = open(sql);
      expect(reactionsOn(history)).toEqual({ "👍": ["bob", "cat"], "😀": ["dan"] });
      const stored = sql.exec<{ frame: string }>("SELECT frame FROM history WHERE id = 1").one().frame;
      expect(JSON.parse(stored).payload.reactions).toBeUndefined();
      // Taken over under sessions nobody can have: a newcomer called bob cannot take bob's back.
      expect(history.reactionOf(1, "👍", "session-bob").mine).toBeNull();
      expect(reactionsOn(open(sql))).toEqual({ "👍": ["bob", "cat"], "😀": ["dan"] });
    }));

  it(`tell a resume about the newest ${RESUME_UPDATES_MAX} changed messages, reading only their reactions`, () =>
    withDatabase((sql) => {
      const sequencer = new Sequencer(sql);
      const history = new HistoryStore(sql, sequencer);
      const count = RESUME_UPDATES_MAX + 50;
      for (let id = 1; id <= count; id++) history.append(chat(id), undefined, "session-ann");
      sequencer.settle(count);
      for (let id = 1; id <= count; id++) {
        history.react({ id, emoji: "👍", session: "session-bob", username: "bob", on: true, at: 2_000 });
      }
      const [, ...updates] = history.replayText(count, "session-ann");
      const frames = updates.flatMap(parseServerData);
      const ids = frames.flatMap((f) => (f.type === ServerType.messageUpdated ? [f.payload.id] : []));
      expect(ids).toHaveLength(RESUME_UPDATES_MAX);
      expect(ids[0]).toBe(count - RESUME_UPDATES_MAX + 1);
      expect(ids.at(-1)).toBe(count);
      expect(frames.at(-1)).toMatchObject({ payload: { reactions: { "👍": ["bob"] } } });
    }));
});
