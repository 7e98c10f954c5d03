import { describe, expect, it } from "vitest";
import { USERS_LIST_MAX } from "../../src/protocol";
import { type Member, receive, usersFrame } from "../../src/room/core";
import { Coalescer, PRESENCE_COALESCE_MS } from "../../src/room/core/coalescer";
import { PEOPLE_LISTS_KEPT, PeopleLists } from "../../src/room/core/people-lists";
import { fullBucket } from "../../src/room/core/rate-limit";
import { Roster } from "../../src/room/core/roster";
import { RoomSimulator } from "./simulator";

/**
 * A `users` reply names everyone, so each one costs the whole room. After a
 * restart a crowd comes back at once and every client asks: the room writes
 * the list once per flush for all who asked, and not again while nobody
 * arrived, left or changed.
 */
const CROWD = 2000;

function member(i: number, now: number): Member {
  return {
    session: `member-${i}`,
    username: `guest${i}`,
    author: `s${i}`,
    operator: i === 0,
    connectedAt: now + i,
    messagesSent: 0,
    lastSeen: now,
    bucket: fullBucket({ burst: 10, perSecond: 2 }, now),
    drops: [],
    conns: [`conn-${i}`],
  };
}

/** Each connection's frames, arrays spread, as text. */
function drain(coalescer: Coalescer, conns: string[], people: () => string): Map<string, string[]> {
  const got = new Map<string, string[]>();
  coalescer.drain(
    conns,
    (conn, text) => {
      const json = JSON.parse(text) as unknown;
      got.set(
        conn,
        (Array.isArray(json) ? json : [json]).map((f) => JSON.stringify(f)),
      );
    },
    people,
  );
  return got;
}

const frame = (n: number) => JSON.stringify({ type: "system", payload: { n } });

describe("the people list", () => {
  it("is written once for every users request of a flush, however many asked", () => {
    const now = 1_000_000;
    const roster = Roster.of(Array.from({ length: CROWD }, (_, i) => member(i, now)));
    const conns = Array.from({ length: CROWD }, (_, i) => `conn-${i}`);
    const coalescer = new Coalescer();
    for (const conn of conns) coalescer.users(conn);
    let builds = 0;
    const list = JSON.stringify(usersFrame(roster));
    const got = new Map<string, string>();
    coalescer.drain(
      conns,
      (conn, text) => got.set(conn, text),
      () => {
        builds++;
        return list;
      },
    );
    expect(builds).toBe(1);
    // A plain list names at most USERS_LIST_MAX, and counts the rest.
    expect(JSON.parse(list).payload.users).toHaveLength(Math.min(CROWD, USERS_LIST_MAX));
    expect(JSON.parse(list).payload.total).toBe(CROWD);
    expect([...got.keys()]).toEqual(conns);
    for (const text of got.values()) expect(text).toBe(list);
  });

  it("is written once per limit asked for: the longest-connected first, and how many more are here", () => {
    const now = 1_000_000;
    const roster = Roster.of(Array.from({ length: 5 }, (_, i) => member(i, now)));
    const coalescer = new Coalescer();
    for (const [conn, limit] of [
      ["a", 2],
      ["b", undefined],
      ["c", 2],
      ["d", 9],
    ] as const)
      coalescer.users(conn, limit);
    const asked: (number | undefined)[] = [];
    const got = new Map<string, unknown>();
    coalescer.drain(
      ["a", "b", "c", "d"],
      (conn, text) => got.set(conn, JSON.parse(text)),
      (limit) => {
        asked.push(limit);
        return JSON.stringify(usersFrame(roster, limit));
      },
    );
    expect(asked).toEqual([2, undefined, 9]);
    const names = (n: number) => Array.from({ length: n }, (_, i) => `guest${i}`);
    const listOf = (conn: string) => {
      const frame = got.get(conn) as { payload: { users: { username: string }[]; more?: number } };
      return { names: frame.payload.users.map((u) => u.username), more: frame.payload.more };
    };
    expect(listOf("a")).toEqual({ names: names(2), more: 3 });
    expect(listOf("c")).toEqual({ names: names(2), more: 3 });
    expect(listOf("b")).toEqual({ names: names(5), more: undefined });
    expect(listOf("d")).toEqual({ names: names(5), more: undefined });
  });

  it("keeps each reply in its place among its connection's frames, and sends it to the asker only", () => {
    const coalescer = new Coalescer();
    coalescer.send("a", frame(1), "chat");
    coalescer.broadcast(frame(2), "chat");
    coalescer.users("a");
    coalescer.send("a", frame(3), "chat");
    coalescer.broadcast(frame(4), "chat");
    const list = JSON.stringify({ type: "users", payload: { users: [] } });
    const got = drain(coalescer, ["a", "b"], () => list);
    expect(got.get("a")).toEqual([frame(1), frame(2), list, frame(3), frame(4)]);
    expect(got.get("b")).toEqual([frame(2), frame(4)]);
  });

  it("makes its asker's later frames wait behind it, and waits for the flush as presence does", () => {
    const coalescer = new Coalescer();
    coalescer.users("a");
    expect(coalescer.isEmpty).toBe(false);
    expect(coalescer.hasPendingFor("a")).toBe(true);
    expect(coalescer.hasPendingFor("b")).toBe(false);
    // A storm of requests in a quiet room of 50 shares one list per presence wait, not one per request.
    expect(coalescer.delayMs(50)).toBe(PRESENCE_COALESCE_MS);
  });

  it("is not written in a flush nobody asked in", () => {
    const coalescer = new Coalescer();
    coalescer.broadcast(frame(1), "chat");
    let builds = 0;
    drain(coalescer, ["a"], () => {
      builds++;
      return "";
    });
    coalescer.users("a");
    drain(coalescer, ["a"], () => {
      builds++;
      return JSON.stringify({ type: "users", payload: { users: [] } });
    });
    coalescer.broadcast(frame(2), "chat");
    drain(coalescer, ["a"], () => {
      builds++;
      return "";
    });
    expect(builds).toBe(1);
  });

  it("keeps its version while only counters change, and moves it when what a list shows changes", () => {
    const now = 1_000_000;
    const roster = Roster.of([member(0, now), member(1, now)]);
    const start = roster.version;
    const bob = roster.get("member-1") as Member;
    // Every frame updates its sender's counters and clock: no new list for those.
    roster.update({ ...bob, messagesSent: 5, lastSeen: now + 10, drops: [now], typingAt: now });
    roster.update({ ...bob, conns: ["conn-1", "conn-1b"] });
    expect(roster.version).toBe(start);
    const changes: Member[] = [
      { ...bob, conns: [], awayUntil: now + 15_000 },
      { ...bob, conns: ["conn-1"] },
      { ...bob, operator: true },
    ];
    let last = start;
    for (const change of changes) {
      roster.update(change);
      expect(roster.version).not.toBe(last);
      last = roster.version;
    }
    roster.add(member(2, now));
    expect(roster.version).not.toBe(last);
    last = roster.version;
    roster.remove("member-2");
    expect(roster.version).not.toBe(last);
    last = roster.version;
    roster.remove("nobody");
    expect(roster.version).toBe(last);
  });

  it("is asked of the shell, not written by the room's rules for each request", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.join("bob");
    const { effects } = receive(room.state, room.context, alice.id, '{"type":"users"}', room.now);
    expect(effects.filter((e) => e.kind === "users" || e.kind === "send")).toEqual([{ kind: "users", to: alice.id }]);
    room.send(alice.id, "/users");
    const reply = room.frames(alice.id).at(-1);
    expect(reply?.type === "users" && reply.payload.users.map((u) => [u.username, u.operator])).toEqual([
      ["alice", true],
      ["bob", false],
    ]);
  });
});

describe("the people lists a room keeps", () => {
  it("are a few, whatever limits clients ask for, and a limit past the room's size is the whole list", () => {
    const roster = new Roster();
    for (let i = 0; i < 50; i++) {
      roster.add({
        session: `s${i}`,
        username: `p${i}`,
        author: `a${i}`,
        operator: false,
        connectedAt: i,
        messagesSent: 0,
        lastSeen: 0,
        bucket: { tokens: 1, at: 0 },
        drops: [],
        conns: [`c${i}`],
      });
    }
    const lists = new PeopleLists();
    const whole = lists.text(roster, undefined);
    for (let limit = 1; limit <= 1000; limit++) lists.text(roster, limit);
    expect(lists.held).toBeLessThanOrEqual(PEOPLE_LISTS_KEPT);
    expect(lists.text(roster, 1_000_000)).toBe(whole);
    expect(JSON.parse(lists.text(roster, 10)).payload).toMatchObject({ more: 40 });
  });
});
