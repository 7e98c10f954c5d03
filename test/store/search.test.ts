import { describe, expect, it } from "vitest";
import type { Sql } from "../../src/platform/sql";
import { ServerType } from "../../src/protocol";
import { HistoryStore } from "../../src/room/store/history";
import { SNIPPET_CLOSE, SNIPPET_OPEN } from "../../src/room/store/search";
import { Sequencer } from "../../src/room/store/sequencer";
import { withDatabase } from "./database";
import { chat, notice, tables } from "./frames";

/** A history with its sequencer, as the room opens them; built again on the same `sql`, a restart. */
function open(sql: Sql, maxMessages?: number) {
  const sequencer = new Sequencer(sql);
  const history = new HistoryStore(sql, sequencer, maxMessages);
  const say = (id: number, message: string) => {
    history.append(chat(id, message));
    sequencer.settle(id);
  };
  return { history, sequencer, say };
}

const found = (history: HistoryStore, words: string) => history.search(words, undefined, 50).results.map((r) => r.id);

describe("search", () => {
  it("finds the messages holding all the words, newest first, with who said them, when, and a marked snippet", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      say(1, "the deploy went fine");
      say(2, "lunch at noon?");
      say(3, "Deploy again tomorrow, same time");
      history.append(notice(4));
      expect(found(history, "deploy")).toEqual([3, 1]);
      expect(found(history, "deploy tomorrow")).toEqual([3]);
      const [hit] = history.search("lunch", undefined, 5).results;
      expect(hit).toEqual({
        id: 2,
        ts: 1_002,
        username: "ann",
        snippet: `${SNIPPET_OPEN}lunch${SNIPPET_CLOSE} at noon?`,
      });
    }));

  it("matches without regard to case or accents, and the last word as a prefix from 3 characters", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      say(1, "Un café crème");
      say(2, "hello there");
      expect(found(history, "CAFE creme")).toEqual([1]);
      expect(found(history, "hel")).toEqual([2]);
      expect(found(history, "he")).toEqual([]);
      expect(found(history, "hel there")).toEqual([]);
    }));

  it("pages back below an id, saying when more remain", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      for (let id = 1; id <= 7; id++) say(id, `standup ${id}`);
      const first = history.search("standup", undefined, 3);
      expect(first.results.map((r) => r.id)).toEqual([7, 6, 5]);
      expect(first.hasMore).toBe(true);
      const last = history.search("standup", 2, 3);
      expect(last.results.map((r) => r.id)).toEqual([1]);
      expect(last.hasMore).toBe(false);
    }));

  it("finds an edited message by its new words only, and a deleted one no more", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      say(1, "the old plan");
      say(2, "another plan");
      history.revise(chat(1, "the new idea"));
      const gone = chat(2, "");
      if (gone.type === ServerType.chatMessage) gone.payload.deleted = true;
      history.revise(gone);
      expect(found(history, "old")).toEqual([]);
      expect(found(history, "idea")).toEqual([1]);
      expect(found(history, "plan")).toEqual([]);
      expect(found(open(sql).history, "idea")).toEqual([1]);
    }));

  it("never breaks on a query that is FTS5 syntax: it is searched as words", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      say(1, 'she said "near" (a b) -x * and a OR b');
      for (const words of [
        '"',
        '""',
        "NEAR(a b)",
        "*",
        "-x",
        "a OR b",
        ")",
        "(",
        "AND",
        "^a",
        "a:b",
        "{a}",
        "' \" '",
      ]) {
        expect(() => history.search(words, undefined, 10), words).not.toThrow();
      }
      expect(found(history, "NEAR(a b)")).toEqual([1]);
      expect(found(history, '"near"')).toEqual([1]);
      expect(found(history, "-x")).toEqual([1]);
      expect(found(history, "a OR b")).toEqual([1]);
      expect(found(history, "*")).toEqual([]);
    }));

  it("shows its own marks only: marks sent as text are not taken for them", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      say(1, `look ${SNIPPET_OPEN}here${SNIPPET_CLOSE} now`);
      const [hit] = history.search("now", undefined, 1).results;
      expect(hit?.snippet).toBe(`look \uFFFDhere\uFFFD ${SNIPPET_OPEN}now${SNIPPET_CLOSE}`);
    }));

  it("indexes what a room held before it had search, at the first message after", () =>
    withDatabase((sql) => {
      const { say } = open(sql);
      say(1, "written before search");
      // The room as an older version left it: the same rows, no index.
      for (const table of ["search"]) sql.exec(`DROP TABLE ${table}`);
      const { history, say: sayAgain } = open(sql);
      sayAgain(2, "written after search");
      expect(found(history, "written")).toEqual([2, 1]);
    }));

  it("forgets pruned messages: with a bound, storage holds at most the bound and a prune's slack", () =>
    withDatabase((sql) => {
      const bound = 150;
      const { history, say } = open(sql, bound);
      for (let id = 1; id <= 1_000; id++) say(id, id === 1 ? "the very first words" : `talk ${id}`);
      const kept = sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM history WHERE type = ?", ServerType.chatMessage)
        .one().n;
      expect(kept).toBeGreaterThanOrEqual(bound);
      expect(kept).toBeLessThanOrEqual(bound + 100);
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM search").one().n).toBe(kept);
      expect(found(history, "first")).toEqual([]);
      expect(history.search("talk", undefined, 50).results[0]?.id).toBe(1_000);
    }));

  it("forgets everything with a wiped room, and indexes what is said after", () =>
    withDatabase((sql) => {
      const { history, say } = open(sql);
      say(1, "a secret between strangers");
      // What a private room's wipe does: every table goes, then the stores are told.
      for (const table of tables(sql)) sql.exec(`DROP TABLE IF EXISTS "${table}"`);
      history.forget();
      expect(found(history, "secret")).toEqual([]);
      say(2, "another secret");
      expect(found(history, "secret")).toEqual([2]);
    }));
});
