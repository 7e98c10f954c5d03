import { describe, expect, it } from "vitest";
import { join, type RoomContext, type RosterView, refusalOf } from "../../src/room/core";
import { Roster } from "../../src/room/core/roster";
import { RoomSimulator } from "./simulator";

/**
 * Work one client can make the room do must grow with what it sends, not
 * faster. Times are compared within one run (a machine's speed cancels out),
 * each the best of several tries so a pause for garbage collection does not
 * decide the result.
 */
function bestOf<T>(tries: number, run: () => T): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe("what one message can cost the room", () => {
  // Timed on a shared machine: a try that another process slowed is tried again.
  it("is within 3 times a plain message of the same length, however many @ tokens it holds", { retry: 2 }, () => {
    const room = new RoomSimulator({ rateLimitBurst: 1e9, rateLimitPerSecond: 1e9 });
    for (let i = 0; i < 50; i++) room.join(`user${i}`);
    const sender = room.join("sender").id;
    const frame = (message: string) => JSON.stringify({ type: "chatMessage", payload: { message } });
    const plain = frame("hello there ".repeat(200).slice(0, 2000));
    const crafted = [
      " @!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!".repeat(60).slice(0, 2000),
      Array.from({ length: 400 }, (_, i) => ` @${i}!?!`)
        .join("")
        .slice(0, 2000),
      Array.from({ length: 100 }, (_, i) => ` @user${i % 50}${"!".repeat(13)}`)
        .join("")
        .slice(0, 2000),
      Array.from({ length: 100 }, (_, i) => ` @éü${i}ßçñ${"!".repeat(11)}`)
        .join("")
        .slice(0, 2000),
      Array.from({ length: 100 }, (_, i) => ` @Éü${i}ßÇñ${"!".repeat(11)}`)
        .join("")
        .slice(0, 2000),
    ].map(frame);
    const cost = (raw: string) =>
      bestOf(15, () => {
        for (let i = 0; i < 100; i++) room.send(sender, raw);
        for (const inbox of room.inbox.values()) inbox.length = 0;
        room.history.length = 0;
      });
    cost(plain);
    const base = cost(plain);
    const ratios = crafted.map((raw) => cost(raw) / base);
    for (const ratio of ratios) expect(ratio).toBeLessThan(3);
  });
});

describe("what anonymous joins cost", () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  const context: RoomContext = {
    ...new RoomSimulator({ crowdSize: 100, maxConnections: 1e6 }).context,
    banOn: () => null,
  };
  /** Fills a room with `count` anonymous joiners in one second; counts the lookups by look their names took. */
  const fill = (count: number) => {
    const roster = new Roster();
    let lookups = 0;
    const counted: RosterView = {
      get size() {
        return roster.size;
      },
      get: (s) => roster.get(s),
      byConn: (c) => roster.byConn(c),
      byName: (n) => {
        lookups++;
        return roster.byName(n);
      },
      values: () => roster.values(),
      anonymousTop: (b) => roster.anonymousTop(b),
      hasMarkEndedNames: false,
    };
    for (let i = 0; i < count; i++) {
      const request = {
        conn: `c${i}`,
        username: null,
        session: null,
        newSession: `session-${i}`,
        author: `s${i}`,
        since: undefined,
        epoch: undefined,
      };
      const outcome = join({ room: "r", lastId: 0, roster: counted }, context, request, now);
      const refused = refusalOf(outcome);
      if (refused) throw new Error(refused.error.message);
      for (const effect of outcome.effects) if (effect.kind === "add") roster.add(effect.member);
    }
    return { roster, lookups };
  };

  it("hands out distinct names in order, -2, -3 and on", () => {
    const names = [...fill(300).roster.values()].map((m) => m.username);
    expect(new Set(names).size).toBe(300);
    expect(names.slice(0, 3)).toEqual(["Anon_120000", "Anon_120000-2", "Anon_120000-3"]);
    expect(names.at(-1)).toBe("Anon_120000-300");
  });

  it("per join, for 10,000 in one second, at most 1.5 times the lookups 100 take", () => {
    const few = fill(100).lookups / 100;
    const many = fill(10_000).lookups / 10_000;
    expect(many / few).toBeLessThan(1.5);
  });
});
