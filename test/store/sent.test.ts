import { describe, expect, it } from "vitest";
import { DEDUP_WINDOW_MS, SentStore } from "../../src/room/store/sent";
import { withDatabase } from "./database";
import { tables } from "./frames";

describe("sent ids", () => {
  it("give a resend within the window its original id, after a restart too", () =>
    withDatabase((sql) => {
      const now = 1_000_000;
      new SentStore(sql).remember("session-ann", "c-1", 41, now);
      const restarted = new SentStore(sql);
      expect(restarted.find("session-ann", "c-1", now + 1_000)).toEqual({ id: 41, ts: now });
      expect(restarted.find("session-ann", "c-1", now + DEDUP_WINDOW_MS - 1)).toEqual({ id: 41, ts: now });
    }));

  it("free a clientId once the window has passed, and never match another session's", () =>
    withDatabase((sql) => {
      const now = 1_000_000;
      const sent = new SentStore(sql);
      sent.remember("session-ann", "c-1", 41, now);
      expect(sent.find("session-ann", "c-1", now + DEDUP_WINDOW_MS)).toBeNull();
      expect(sent.find("session-bob", "c-1", now)).toBeNull();
      expect(sent.find("session-ann", "c-2", now)).toBeNull();
    }));

  it("keep the newest send under a reused clientId, and prune old ones as new ones come", () =>
    withDatabase((sql) => {
      const now = 1_000_000;
      const sent = new SentStore(sql);
      sent.remember("session-ann", "c-1", 41, now);
      sent.remember("session-ann", "c-1", 42, now + 5);
      expect(sent.find("session-ann", "c-1", now + 10)).toEqual({ id: 42, ts: now + 5 });
      const later = now + 2 * DEDUP_WINDOW_MS;
      for (let i = 0; i < 200; i++) sent.remember("session-bob", `c-${i}`, 100 + i, later);
      const rows = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sent WHERE session = 'session-ann'").one().n;
      expect(rows).toBe(0);
    }));

  it("store nothing until something is sent", () =>
    withDatabase((sql) => {
      expect(new SentStore(sql).find("session-ann", "c-1", 0)).toBeNull();
      expect(tables(sql)).toEqual([]);
    }));
});
