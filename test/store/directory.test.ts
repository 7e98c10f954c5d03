import { describe, expect, it } from "vitest";
import { MAX_ENTRIES, STALE_MS } from "../../src/directory/core/bounds";
import { DirectoryStore } from "../../src/directory/store/directory-store";
import { withDatabase } from "./database";

const now = 1_700_000_000_000;

function entry(room: string, userCount: number, lastMessageAt: number | null, topic: string | null = null) {
  return { room, topic, userCount, lastMessageAt };
}

describe("the directory", () => {
  it("lists the most active first: most people, then the newest message, then by name", () =>
    withDatabase((sql) => {
      const store = new DirectoryStore(sql);
      store.put(entry("quiet", 0, now - 10), now);
      store.put(entry("busy", 9, now - 500, "the busy one"), now);
      store.put(entry("chatty", 2, now - 1), now);
      store.put(entry("sleepy", 2, now - 9000), now);
      store.put(entry("never", 2, null), now);
      store.put(entry("also-chatty", 2, now - 1), now);
      expect(store.list("", 20, now).rooms.map((r) => r.room)).toEqual([
        "busy",
        "also-chatty",
        "chatty",
        "sleepy",
        "never",
        "quiet",
      ]);
      expect(store.list("", 20, now).rooms[0]).toEqual(entry("busy", 9, now - 500, "the busy one"));
    }));

  it("keeps one entry per room, replaced by its newest report, and forgets a removed room", () =>
    withDatabase((sql) => {
      const store = new DirectoryStore(sql);
      store.put(entry("lobby", 1, null), now);
      store.put(entry("lobby", 4, now, "tea"), now + 1);
      expect(store.list("", 20, now).rooms).toEqual([entry("lobby", 4, now, "tea")]);
      store.remove("lobby");
      store.remove("never-listed");
      expect(store.list("", 20, now)).toEqual({ rooms: [], hasMore: false });
    }));

  it("filters by a name prefix and pages with limit and hasMore", () =>
    withDatabase((sql) => {
      const store = new DirectoryStore(sql);
      for (const [i, room] of ["rust", "rust-help", "rustaceans", "ruby", "rus", "go"].entries()) {
        store.put(entry(room, i, null), now);
      }
      expect(
        store
          .list("rust", 20, now)
          .rooms.map((r) => r.room)
          .sort(),
      ).toEqual(["rust", "rust-help", "rustaceans"]);
      expect(store.list("ru", 2, now)).toMatchObject({ hasMore: true });
      expect(store.list("ru", 2, now).rooms.map((r) => r.room)).toEqual(["rus", "ruby"]);
      expect(store.list("ru", 5, now).hasMore).toBe(false);
      expect(store.list("z", 5, now)).toEqual({ rooms: [], hasMore: false });
    }));

  it("ages out an empty room's entry that has not been refreshed for 30 days; a room with people stays", () =>
    withDatabase((sql) => {
      const store = new DirectoryStore(sql);
      store.put(entry("empty", 0, now - 1), now);
      store.put(entry("peopled", 3, now - 1), now);
      expect(store.list("", 20, now + STALE_MS - 1).rooms).toHaveLength(2);
      expect(store.list("", 20, now + STALE_MS).rooms.map((r) => r.room)).toEqual(["peopled"]);
      // A later report sweeps it out of storage too.
      store.put(entry("fresh", 1, null), now + STALE_MS);
      expect(store.size()).toBe(2);
    }));

  it(`holds at most ${MAX_ENTRIES} entries: a new one pushes the least active out`, () =>
    withDatabase((sql) => {
      const store = new DirectoryStore(sql);
      sql.exec(
        `CREATE TABLE IF NOT EXISTS directory (room TEXT PRIMARY KEY, topic TEXT, user_count INTEGER NOT NULL,
          last_message_at INTEGER, updated_at INTEGER NOT NULL)`,
      );
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO directory SELECT 'room-' || i, NULL, 1, ? + i, ? FROM n`,
        MAX_ENTRIES,
        now,
        now,
      );
      store.put(entry("newcomer", 5, now), now);
      expect(store.size()).toBe(MAX_ENTRIES);
      expect(store.list("room-1", 1, now).rooms).toEqual([entry("room-10000", 1, now + 10_000)]);
      expect(store.list("room-1", 2000, now).rooms.some((r) => r.room === "room-1")).toBe(false);
      expect(store.list("", 1, now).rooms[0]?.room).toBe("newcomer");
    }));
});
