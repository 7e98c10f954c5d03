import { describe, expect, it } from "vitest";
import { BanStore, MAX_BANS } from "../../src/room/store/bans";
import { withDatabase } from "./database";
import { tables } from "./frames";

const now = 1_000_000;

describe("bans", () => {
  it("with a duration keep someone out until it ends, and are listed only while in force", () =>
    withDatabase((sql) => {
      const bans = new BanStore(sql);
      bans.ban("bob", null, now, now + 60_000);
      expect(bans.banOn("bob", null, now + 59_999)).toEqual({ until: now + 60_000 });
      expect(bans.list(now)).toEqual([{ username: "bob", at: now, until: now + 60_000 }]);
      expect(bans.banOn("bob", null, now + 60_000)).toBeNull();
      expect(bans.list(now + 60_000)).toEqual([]);
    }));

  it("for good outlive a restart, and hold the name by look and the session it was used from", () =>
    withDatabase((sql) => {
      new BanStore(sql).ban("bob", "session-bob", now);
      const restarted = new BanStore(sql);
      expect(restarted.banOn("BOB", null, now + 1e12)).toEqual({ until: null });
      expect(restarted.banOn("a-fresh-name", "session-bob", now)).toEqual({ until: null });
      expect(restarted.banOn("ann", "session-ann", now)).toBeNull();
    }));

  it("hold an anonymous person's address for as long as they last, and let it go once ended", () =>
    withDatabase((sql) => {
      const bans = new BanStore(sql);
      bans.ban("troll", "session-troll", now, now + 60_000, "198.51.100.7");
      expect(bans.banOn("fresh-name", "fresh-session", now + 1, "198.51.100.7")).toEqual({ until: now + 60_000 });
      expect(bans.banOn("fresh-name", "fresh-session", now + 1, "198.51.100.8")).toBeNull();
      expect(bans.banOn("fresh-name", "fresh-session", now + 60_000, "198.51.100.7")).toBeNull();
      bans.ban("other", null, now + 60_001, null);
      const kept = sql.exec<{ n: number }>("SELECT count(*) AS n FROM room_bans WHERE address IS NOT NULL").one().n;
      expect(kept).toBe(0);
    }));

  it("of a name banned again take the new duration and keep the session", () =>
    withDatabase((sql) => {
      const bans = new BanStore(sql);
      bans.ban("bob", "session-bob", now);
      bans.ban("bob", null, now + 10, now + 60_000);
      expect(bans.list(now + 10)).toEqual([{ username: "bob", at: now + 10, until: now + 60_000 }]);
      expect(bans.banOn(null, "session-bob", now + 20)).toEqual({ until: now + 60_000 });
    }));

  it("are lifted by look, telling how many were still in force", () =>
    withDatabase((sql) => {
      const bans = new BanStore(sql);
      bans.ban("bob", null, now);
      bans.ban("eve", null, now, now + 1);
      expect(bans.unban("BOB", now + 5)).toBe(1);
      expect(bans.unban("eve", now + 5)).toBe(0);
      expect(bans.banOn("bob", null, now + 5)).toBeNull();
      expect(bans.list(now)).toEqual([]);
    }));

  it("finds the longest of the bans on a name or session, so what is said of it holds", () =>
    withDatabase((sql) => {
      const store = new BanStore(sql);
      store.ban("bob", "session-bob", now, now + 60_000);
      store.ban("robert", "session-bob", now, now + 600_000);
      store.ban("eve", null, now, now + 60_000);
      const found = [
        store.banOn("BOB", "session-bob", now),
        store.banOn("eve", null, now),
        store.banOn("ann", null, now),
      ];
      expect(found).toEqual([{ until: 1_600_000 }, { until: 1_060_000 }, null]);
    }));

  it(`keeps at most ${MAX_BANS} bans, letting expired ones go first, then the oldest`, () =>
    withDatabase((sql) => {
      const store = new BanStore(sql);
      store.ban("expired", null, now, now + 1);
      for (let i = 0; i < MAX_BANS + 4; i++) store.ban(`name${i}`, null, now + 10 + i);
      const kept = store.list(now + 5).map((b) => b.username);
      expect(kept).toHaveLength(MAX_BANS);
      expect(kept).not.toContain("expired");
      expect(kept.slice(0, 2)).toEqual(["name4", "name5"]);
      expect(kept.at(-1)).toBe(`name${MAX_BANS + 3}`);
    }));

  it("of a room stored by an earlier version move over once, matched by look from then on", () =>
    withDatabase((sql) => {
      sql.exec("CREATE TABLE bans (name_key TEXT PRIMARY KEY, session TEXT, at INTEGER NOT NULL)");
      sql.exec("INSERT INTO bans (name_key, session, at) VALUES ('bob', 'session-bob', ?)", now);
      const bans = new BanStore(sql);
      expect(bans.banOn("Bob", null, now)).toEqual({ until: null });
      expect(bans.banOn(null, "session-bob", now)).toEqual({ until: null });
      expect(tables(sql)).toEqual(["room_bans"]);
    }));

  it("store nothing while nobody was banned", () =>
    withDatabase((sql) => {
      const bans = new BanStore(sql);
      expect(bans.banOn("bob", "session-bob", now)).toBeNull();
      expect(bans.unban("bob", now)).toBe(0);
      expect(bans.list(now)).toEqual([]);
      expect(tables(sql)).toEqual([]);
    }));
});
