import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nameKey, parseClientFrame, USERS_LIST_MAX, USERS_PAGE_DEFAULT, USERS_PAGE_MAX } from "../../src/protocol";
import { type Member, receive, usersFrame } from "../../src/room/core";
import { byPlace, fold, type UsersQuery, usersPage } from "../../src/room/core/people-pages";
import { fullBucket } from "../../src/room/core/rate-limit";
import { Roster } from "../../src/room/core/roster";
import { RoomSimulator } from "./simulator";

/**
 * v1.10: in a room of up to 100,000 people, `users` with `name` or `after` is
 * a page of the list in name order, so a client walks the room a page at a
 * time and finds someone by part of their name.
 */

function member(username: string, i: number): Member {
  return {
    session: `member-${i}`,
    username,
    author: `s${i}`,
    operator: i === 0,
    connectedAt: 1_000_000 + i,
    messagesSent: 0,
    lastSeen: 1_000_000,
    bucket: fullBucket({ burst: 10, perSecond: 2 }, 1_000_000),
    drops: [],
    conns: [`conn-${i}`],
  };
}

const people = (names: readonly string[]) => names.map(member);

/** Every page from the first, following `next`: the names of each. */
function walk(room: readonly Member[], query: Omit<UsersQuery, "after">): string[][] {
  const pages: string[][] = [];
  let after: string | undefined = "";
  while (after !== undefined) {
    const page = usersPage(room, { ...query, after });
    pages.push(page.users.map((u) => u.username));
    after = page.next;
    if (pages.length > room.length + 1) throw new Error("the walk does not end");
  }
  return pages;
}

/** The whole list a walk must add up to: those matching, in name order. */
function expected(names: readonly string[], filter = ""): string[] {
  return names
    .filter((n) => nameKey(n).includes(nameKey(filter)))
    .map((name) => ({ key: nameKey(name), name }))
    .sort(byPlace)
    .map((p) => p.name);
}

// Letters whose case and compatibility forms fold together, and one that sorts past ASCII.
const letter = fc.constantFrom("a", "A", "b", "B", "c", "ｃ", "é", "É", "_", "1");
const names = fc.uniqueArray(fc.string({ unit: letter, minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 60 });

describe("a page of the people list", () => {
  it("walked from the start, lists everyone matching exactly once, in name order", () => {
    fc.assert(
      fc.property(
        names,
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.string({ unit: letter, maxLength: 2 })),
        (room, limit, filter) => {
          const query = filter === null ? { limit } : { limit, name: filter };
          const pages = walk(people(room), query);
          const listed = pages.flat();
          expect(listed).toEqual(expected(room, filter ?? ""));
          expect(new Set(listed).size).toBe(listed.length);
          for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
          // Only the last page may be short, and only an empty result is an empty page.
          for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
        },
      ),
    );
  });

  it("says how many match, how many are not on it, and where the next page starts", () => {
    fc.assert(
      fc.property(
        names,
        fc.integer({ min: 1, max: 12 }),
        fc.string({ unit: letter, maxLength: 2 }),
        (room, limit, filter) => {
          const matching = expected(room, filter);
          const page = usersPage(people(room), { limit, name: filter });
          expect(page.total).toBe(matching.length);
          expect(page.users.map((u) => u.username)).toEqual(matching.slice(0, limit));
          expect(page.more ?? 0).toBe(matching.length - page.users.length);
          expect(page.next).toBe(matching.length > limit ? matching[limit - 1] : undefined);
        },
      ),
    );
  });

  it("finds people by part of their name, whatever its case or width", () => {
    const room = people(["Bobby", "alice", "ｂｏｂ", "rob", "Carol"]);
    const page = usersPage(room, { name: "BO" });
    expect(page.users.map((u) => u.username)).toEqual(
      ["ｂｏｂ", "Bobby"].sort((a, b) => byPlace({ key: nameKey(a), name: a }, { key: nameKey(b), name: b })),
    );
    expect(page).toMatchObject({ total: 2 });
    expect(page.more).toBeUndefined();
    expect(page.next).toBeUndefined();
  });

  it("goes on where it was when the person it continues after has left", () => {
    const names = ["ann", "bea", "cy", "dee", "eve", "fay"];
    const first = usersPage(people(names), { limit: 2, after: "" });
    expect(first.users.map((u) => u.username)).toEqual(["ann", "bea"]);
    expect(first.next).toBe("bea");
    const withoutBea = people(names.filter((n) => n !== "bea"));
    const second = usersPage(withoutBea, { limit: 2, after: first.next ?? "" });
    expect(second.users.map((u) => u.username)).toEqual(["cy", "dee"]);
    expect(second).toMatchObject({ total: 5, more: 3, next: "dee" });
  });

  it("is the default size without a limit, and never past the ceiling", () => {
    const room = people(Array.from({ length: USERS_PAGE_MAX + 100 }, (_, i) => `p${String(i).padStart(4, "0")}`));
    expect(usersPage(room, { after: "" }).users).toHaveLength(USERS_PAGE_DEFAULT);
    const capped = usersPage(room, { after: "", limit: 100_000 });
    expect(capped.users).toHaveLength(USERS_PAGE_MAX);
    expect(capped).toMatchObject({ total: USERS_PAGE_MAX + 100, more: 100, next: "p0499" });
  });

  it("folds a name as names are compared case-insensitively everywhere else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: letter })), (name) => {
        expect(fold(name)).toBe(nameKey(name));
      }),
    );
  });

  it("reads the room once, however big it is", () => {
    const room = people(Array.from({ length: 100_000 }, (_, i) => `guest${i}`));
    let passes = 0;
    const counted: Iterable<Member> = {
      [Symbol.iterator]: () => {
        passes++;
        return room[Symbol.iterator]();
      },
    };
    const page = usersPage(counted, { name: "guest9999", limit: 7 });
    expect(passes).toBe(1);
    expect(page.users.map((u) => u.username)).toEqual([
      "guest9999",
      "guest99990",
      "guest99991",
      "guest99992",
      "guest99993",
      "guest99994",
      "guest99995",
    ]);
    expect(page).toMatchObject({ total: 11, more: 4, next: "guest99995" });
  });
});

describe("a users request", () => {
  it("with a name or a position is answered to the asker alone, now; a plain one is left to the shared list", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.join("bobby");
    const plain = receive(room.state, room.context, alice.id, '{"type":"users","payload":{"limit":5}}', room.now);
    expect(plain.effects.filter((e) => e.kind === "users" || e.kind === "send")).toEqual([
      { kind: "users", to: alice.id, limit: 5 },
    ]);
    const bobsBefore = room.frames(bob.id).length;
    room.command(alice.id, '{"type":"users","payload":{"name":"BOB","limit":1}}');
    const reply = room.frames(alice.id).at(-1);
    expect(reply?.type === "users" && reply.payload).toEqual({
      users: [{ username: "bob", operator: false, since: expect.any(Number) }],
      total: 2,
      more: 1,
      next: "bob",
    });
    expect(room.frames(bob.id)).toHaveLength(bobsBefore);
  });

  it("refuses a name filter or a position longer than a name can be", () => {
    for (const field of ["name", "after"]) {
      const parsed = parseClientFrame(JSON.stringify({ type: "users", payload: { [field]: "x".repeat(33) } }));
      expect(parsed.ok ? "accepted" : parsed.error.code).toBe("bad_message");
    }
    const fine = parseClientFrame(JSON.stringify({ type: "users", payload: { name: "x".repeat(32), after: "" } }));
    expect(fine.ok && fine.frame.payload).toEqual({ name: "x".repeat(32), after: "" });
  });
});

describe("the plain people list in a room of thousands", () => {
  it("names the longest-connected 1,000 and counts the rest, however large a limit is asked for", () => {
    const roster = new Roster();
    const names = Array.from({ length: USERS_LIST_MAX + 250 }, (_, i) => `p${i}`);
    for (const m of people(names).reverse()) roster.add(m);
    for (const limit of [undefined, USERS_LIST_MAX * 10]) {
      const frame = usersFrame(roster, limit);
      if (frame.type !== "users") throw new Error("not a users frame");
      expect(frame.payload.users).toHaveLength(USERS_LIST_MAX);
      expect(frame.payload.users[0]?.username).toBe("p0");
      expect(frame.payload).toMatchObject({ more: 250, total: USERS_LIST_MAX + 250 });
    }
  });
});
