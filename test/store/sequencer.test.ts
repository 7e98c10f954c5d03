import { describe, expect, it } from "vitest";
import { HistoryStore } from "../../src/room/store/history";
import { Sequencer } from "../../src/room/store/sequencer";
import { withDatabase } from "./database";
import { chat, dm, tables } from "./frames";

describe("message ids", () => {
  it("start at 0 in a room nobody used, and reading them stores nothing", () =>
    withDatabase((sql) => {
      const ids = new Sequencer(sql);
      expect(ids.lastId()).toBe(0);
      expect(ids.epoch()).toMatch(/^[0-9a-f]{16}$/);
      expect(tables(sql)).toEqual([]);
    }));

  it("only grow across restarts: settled ids, ids kept in history rows, and ids whose DMs are gone", () =>
    withDatabase((sql) => {
      const ids = new Sequencer(sql);
      ids.settle(5);
      expect(new Sequencer(sql).lastId()).toBe(5);

      // A stored message carries its id: the row is what a restart finds, written once.
      const history = new HistoryStore(sql, ids);
      history.append(chat(9));
      ids.settle(9);
      expect(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'last_id'").one().value).toBe("5");
      expect(new Sequencer(sql).lastId()).toBe(9);

      history.appendDm(dm(10, "session-ann", "session-bob"), "session-ann", "session-bob");
      ids.settle(12);
      sql.exec("DELETE FROM dms");
      const reopened = new Sequencer(sql);
      expect(reopened.lastId()).toBe(12);
      reopened.settle(13);
      expect(new Sequencer(sql).lastId()).toBe(13);
    }));

  it("start over after the storage is wiped", () =>
    withDatabase((sql) => {
      const ids = new Sequencer(sql);
      ids.settle(7);
      const before = ids.epoch();
      for (const table of tables(sql)) sql.exec(`DROP TABLE ${table}`);
      ids.forget();
      expect(ids.lastId()).toBe(0);
      expect(ids.epoch()).not.toBe(before);
    }));
});

describe("the history's epoch", () => {
  it("is the same across restarts once anything was stored", () =>
    withDatabase((sql) => {
      const ids = new Sequencer(sql);
      const epoch = ids.epoch();
      ids.settle(1);
      expect(new Sequencer(sql).epoch()).toBe(epoch);
      expect(new Sequencer(sql).epoch()).toBe(epoch);
    }));

  it("is stored with the first ids settled, even when no new id was handed out", () =>
    withDatabase((sql) => {
      const ids = new Sequencer(sql);
      const epoch = ids.epoch();
      ids.settle(0);
      expect(new Sequencer(sql).epoch()).toBe(epoch);
    }));

  it("is read, never written, by asking for it: the room's rules may ask at any time", () =>
    withDatabase((sql) => {
      const ids = new Sequencer(sql);
      ids.epoch();
      expect(tables(sql)).toEqual([]);
      ids.settle(1);
      const rows = () => sql.exec<{ n: number }>("SELECT count(*) AS n FROM meta").one().n;
      const stored = rows();
      const again = new Sequencer(sql);
      again.epoch();
      again.lastId();
      expect(rows()).toBe(stored);
    }));

  it("of a room stored by an earlier version is kept, with its ids", () =>
    withDatabase((sql) => {
      sql.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      sql.exec("INSERT INTO meta (key, value) VALUES ('epoch', 'an-older-epoch'), ('last_id', '7')");
      // Before edits, history rows had no author.
      sql.exec(
        "CREATE TABLE history (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL, frame TEXT NOT NULL)",
      );
      sql.exec("INSERT INTO history (id, ts, type, frame) VALUES (9, 1009, 'chatMessage', ?)", JSON.stringify(chat(9)));
      const ids = new Sequencer(sql);
      expect(ids.epoch()).toBe("an-older-epoch");
      expect(ids.lastId()).toBe(9);
      ids.settle(10);
      expect(new Sequencer(sql).epoch()).toBe("an-older-epoch");
      expect(new HistoryStore(sql, ids).findMessage(9)?.payload.message).toBe("message 9");
    }));
});
