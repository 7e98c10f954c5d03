import { describe, expect, it } from "vitest";
import type { Member } from "../../src/room/core/roster";
import { MemberStore } from "../../src/room/store/members";
import { withDatabase } from "./database";
import { tables } from "./frames";

function member(session: string, extra: Partial<Member> = {}): Member {
  return {
    session,
    username: session.replace("session-", ""),
    author: `s-${session}`,
    operator: false,
    connectedAt: 1_000,
    messagesSent: 0,
    lastSeen: 1_000,
    bucket: { tokens: 5, at: 1_000 },
    drops: [],
    conns: ["a-connection"],
    ...extra,
  };
}

const sessionsIn = (store: MemberStore) => store.all().map((m) => m.session);

describe("member rows", () => {
  it("come back after a restart as written, without their connections, which die with the process", () =>
    withDatabase((sql) => {
      const ann = member("session-ann", { operator: true, awayUntil: 9_000, messagesSent: 3 });
      const store = new MemberStore(sql);
      store.save(ann);
      store.commit();
      const { conns: _, ...stored } = ann;
      expect(new MemberStore(sql).all()).toStrictEqual([stored]);
    }));

  it("wait for the commit: a restart before it finds the room as it was", () =>
    withDatabase((sql) => {
      const store = new MemberStore(sql);
      store.save(member("session-ann"));
      store.commit();
      store.remove("session-ann");
      store.save(member("session-bob"));
      expect(store.hasPending).toBe(true);
      expect(sessionsIn(new MemberStore(sql))).toEqual(["session-ann"]);
      store.commit();
      expect(store.hasPending).toBe(false);
      expect(sessionsIn(new MemberStore(sql))).toEqual(["session-bob"]);
    }));

  it("of a storm of joins go in one commit, more than one statement holds, and all go again when they quit", () =>
    withDatabase((sql) => {
      const store = new MemberStore(sql);
      const sessions = Array.from({ length: 260 }, (_, i) => `session-${String(i).padStart(3, "0")}`);
      for (const session of sessions) store.save(member(session));
      store.commit();
      expect(sessionsIn(new MemberStore(sql)).sort()).toEqual(sessions);
      for (const session of sessions) store.remove(session);
      store.commit();
      expect(new MemberStore(sql).all()).toEqual([]);
    }));

  it("show the latest change of a member saved twice before the commit", () =>
    withDatabase((sql) => {
      const store = new MemberStore(sql);
      store.save(member("session-ann"));
      store.save(member("session-ann", { username: "annie" }));
      expect(store.all().map((m) => m.username)).toEqual(["annie"]);
    }));

  it("are not stored for a room nobody joined, even when a removal is asked", () =>
    withDatabase((sql) => {
      const store = new MemberStore(sql);
      store.remove("session-ann");
      store.commit();
      expect(store.all()).toEqual([]);
      expect(tables(sql)).toEqual([]);
    }));
});
