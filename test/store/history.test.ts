import { describe, expect, it } from "vitest";
import type { Sql } from "../../src/platform/sql";
import { DM_PAIR_RETENTION, DM_RETENTION, MAX_HISTORY, NOTICE_RETENTION, ServerType } from "../../src/protocol";
import { HistoryStore } from "../../src/room/store/history";
import { Sequencer } from "../../src/room/store/sequencer";
import { withDatabase } from "./database";
import { chat, dm, ids, notice, replayed, tables } from "./frames";

/** A history with its sequencer, as the room opens them; built again on the same `sql`, a restart. */
function open(sql: Sql, maxMessages?: number): { history: HistoryStore; sequencer: Sequencer } {
  const sequencer = new Sequencer(sql);
  return { history: new HistoryStore(sql, sequencer, maxMessages), sequencer };
}

/** Entries 1..n, as the room stores them: ids settled with each. */
function fill(sql: Sql, n: number, frame = chat): HistoryStore {
  const { history, sequencer } = open(sql);
  for (let id = 1; id <= n; id++) {
    history.append(frame(id));
    sequencer.settle(id);
  }
  return history;
}

const count = (sql: Sql, type: string) =>
  sql.exec<{ n: number }>("SELECT count(*) AS n FROM history WHERE type = ?", type).one().n;

describe("the history", () => {
  it("of a room nobody used reads empty and stores nothing", () =>
    withDatabase((sql) => {
      const { history } = open(sql);
      expect(replayed(history.replayText(undefined, "session-ann")).messages).toEqual([]);
      expect(history.page(undefined, 10)).toEqual({ messages: [], hasMore: false });
      expect(history.pageAfter(0, 10)).toEqual({ messages: [], hasMore: false });
      expect(history.findMessage(1)).toBeNull();
      expect(history.lastMessageAt()).toBeNull();
      expect(tables(sql)).toEqual([]);
    }));

  it("replays the newest 100 chat messages to a first visit, the same after a restart, and says older ones exist", () =>
    withDatabase((sql) => {
      fill(sql, 150);
      for (const history of [open(sql).history, open(sql).history]) {
        const { messages, truncated } = replayed(history.replayText(undefined, "session-ann"));
        expect(ids(messages)).toEqual(Array.from({ length: MAX_HISTORY }, (_, i) => 51 + i));
        expect(truncated).toBe(true);
        expect(history.lastMessageAt()).toBe(1_150);
      }
    }));

  it("replays to a resume only what came after its `since`", () =>
    withDatabase((sql) => {
      fill(sql, 30);
      const { messages, truncated } = replayed(open(sql).history.replayText(27, "session-ann"));
      expect(ids(messages)).toEqual([28, 29, 30]);
      expect(truncated).toBe(false);
    }));

  it("pages back through the scrollback and forward through a gap, in id order, saying when more remain", () =>
    withDatabase((sql) => {
      const history = fill(sql, 30);
      const back = [history.page(undefined, 10), history.page(21, 10), history.page(11, 10)];
      expect(back.map((p) => ids(p.messages))).toEqual([
        [21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
        [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      ]);
      expect(back.map((p) => p.hasMore)).toEqual([true, true, false]);
      expect(history.pageAfter(0, 10)).toMatchObject({ hasMore: true });
      expect(ids(history.pageAfter(25, 10).messages)).toEqual([26, 27, 28, 29, 30]);
      expect(history.pageAfter(25, 10).hasMore).toBe(false);
    }));

  it("keeps at least its bound of chat messages and the newest 1,100 notices, and not many more of either", () =>
    withDatabase((sql) => {
      const bound = 400;
      const { history, sequencer } = open(sql, bound);
      const total = NOTICE_RETENTION + 300;
      for (let id = 1; id <= 2 * total; id++) {
        history.append(id % 2 === 0 ? chat(id) : notice(id));
        sequencer.settle(id);
      }
      expect(count(sql, ServerType.chatMessage)).toBeGreaterThanOrEqual(bound);
      expect(count(sql, ServerType.chatMessage)).toBeLessThanOrEqual(bound + 100);
      expect(count(sql, ServerType.system)).toBeGreaterThanOrEqual(NOTICE_RETENTION);
      expect(count(sql, ServerType.system)).toBeLessThanOrEqual(NOTICE_RETENTION + 100);
      // What is kept is the newest: the oldest chat message a page can reach is among the newest `bound`.
      let before: number | undefined;
      let oldest = Number.POSITIVE_INFINITY;
      for (let page = history.page(before, 100); ; page = history.page(before, 100)) {
        oldest = Math.min(oldest, ...ids(page.messages.filter((f) => f.type === ServerType.chatMessage)));
        before = page.messages[0]?.payload.id;
        if (!page.hasMore) break;
      }
      expect(oldest).toBeLessThanOrEqual(2 * total - 2 * bound + 2);
    }));

  it("keeps far more than the old 1,100 chat messages, and pages back through every one", () =>
    withDatabase((sql) => {
      const history = fill(sql, 3_000);
      let before: number | undefined;
      let seen = 0;
      for (let page = history.page(before, 100); ; page = history.page(before, 100)) {
        seen += page.messages.length;
        before = page.messages[0]?.payload.id;
        if (!page.hasMore) break;
      }
      expect(seen).toBe(3_000);
      expect(before).toBe(1);
    }));

  it("reaches a lowered bound over a few prunes, and counts again right after a restart", () =>
    withDatabase((sql) => {
      fill(sql, 2_500);
      const { history, sequencer } = open(sql, 200);
      for (let id = 2_501; id <= 3_000; id++) {
        history.append(chat(id));
        sequencer.settle(id);
      }
      expect(count(sql, ServerType.chatMessage)).toBeLessThanOrEqual(300);
      expect(count(sql, ServerType.chatMessage)).toBeGreaterThanOrEqual(200);
    }));

  it("finds a chat message with its author, and finds no notice as one", () =>
    withDatabase((sql) => {
      const { history } = open(sql);
      history.append(chat(1), undefined, "session-ann");
      history.append(notice(2));
      expect(history.findMessage(1)).toEqual({ payload: chat(1).payload, author: "session-ann" });
      expect(history.findMessage(2)).toBeNull();
    }));

  it("tells a resume that had a message before its edit how it stands now; one that had not gets it edited", () =>
    withDatabase((sql) => {
      const { history, sequencer } = open(sql);
      history.append(chat(1));
      history.append(chat(2));
      sequencer.settle(2);
      const edited = chat(1, "changed");
      if (edited.type === ServerType.chatMessage) edited.payload.editedAt = 5_000;
      history.revise(edited);
      const { messages, updates } = replayed(open(sql).history.replayText(2, "session-ann"));
      expect(messages).toEqual([]);
      expect(updates).toEqual([
        { type: ServerType.messageUpdated, payload: { id: 1, message: "changed", editedAt: 5_000, reactions: {} } },
      ]);
      const fresh = replayed(open(sql).history.replayText(0, "session-ann"));
      expect(fresh.updates).toEqual([]);
      expect(fresh.messages[0]).toEqual(edited);
    }));
});

describe("direct messages in the history", () => {
  it("reach only their two parties, woven into a replay by id", () =>
    withDatabase((sql) => {
      const { history, sequencer } = open(sql);
      history.append(chat(1));
      history.appendDm(dm(2, "ann", "bob"), "session-ann", "session-bob");
      history.append(chat(3));
      sequencer.settle(3);
      const restarted = open(sql).history;
      expect(ids(replayed(restarted.replayText(undefined, "session-ann")).messages)).toEqual([1, 2, 3]);
      expect(ids(replayed(restarted.replayText(undefined, "session-bob")).messages)).toEqual([1, 2, 3]);
      expect(ids(replayed(restarted.replayText(undefined, "session-eve")).messages)).toEqual([1, 3]);
    }));

  it(`keep the newest ${DM_PAIR_RETENTION} of a conversation, whoever wrote them`, () =>
    withDatabase((sql) => {
      const { history } = open(sql);
      const total = DM_PAIR_RETENTION + 20;
      for (let id = 1; id <= total; id++) {
        const [from, to] = id % 2 === 0 ? ["session-ann", "session-bob"] : ["session-bob", "session-ann"];
        history.appendDm(dm(id, from, to), from, to);
      }
      history.appendDm(dm(total + 1, "session-eve", "session-ann"), "session-eve", "session-ann");
      const { messages } = replayed(history.replayText(0, "session-ann"));
      expect(ids(messages)).toEqual([...Array.from({ length: DM_PAIR_RETENTION }, (_, i) => 21 + i), total + 1]);
    }));

  it(`keep at least the room's newest ${DM_RETENTION} across conversations, and not many more`, () =>
    withDatabase((sql) => {
      const { history } = open(sql);
      const total = DM_RETENTION + 200;
      // Twenty people each writing to the next: no conversation reaches its own bound.
      for (let id = 1; id <= total; id++) {
        const from = `session-${id % 20}`;
        const to = `session-${(id + 1) % 20}`;
        history.appendDm(dm(id, from, to), from, to);
      }
      const kept = sql.exec<{ n: number; oldest: number }>("SELECT count(*) AS n, min(id) AS oldest FROM dms").one();
      expect(kept.n).toBeGreaterThanOrEqual(DM_RETENTION);
      expect(kept.n).toBeLessThanOrEqual(DM_RETENTION + 50);
      expect(kept.oldest).toBeLessThanOrEqual(total - DM_RETENTION + 1);
    }));

  it("go with the chat when it is pruned: none is kept from before the oldest chat message", () =>
    withDatabase((sql) => {
      const { history, sequencer } = open(sql, 200);
      history.appendDm(dm(1, "session-ann", "session-bob"), "session-ann", "session-bob");
      for (let id = 2; id <= 500; id++) {
        history.append(chat(id));
        sequencer.settle(id);
      }
      expect(ids(replayed(history.replayText(0, "session-ann")).messages)).not.toContain(1);
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM dms").one().n).toBe(0);
    }));
});
