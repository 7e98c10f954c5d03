import { describe, expect, it } from "vitest";
import { disconnect, expire, type Member } from "../../src/room/core";
import { fullBucket } from "../../src/room/core/rate-limit";
import { RoomSimulator } from "./simulator";

/**
 * A network blip can drop a whole crowd at once. The room is single-threaded:
 * while it works through the departures nobody's message moves, so each one
 * must cost the room little, and graces ending together in one alarm must
 * cost one pass over the room, not one per leaver (4,000 leavers in one alarm
 * used to take about 6 s). Only the room's rules are timed here, not the
 * simulator's delivery to inboxes.
 */
const CROWD = 4000;
const GRACE = 15_000;

function crowd(room: RoomSimulator, size: number, away: boolean): Member[] {
  return Array.from({ length: size }, (_, i) => {
    const member: Member = {
      session: `member-${i}`,
      username: `guest${i}`,
      author: `s${i}`,
      operator: i === 0,
      connectedAt: room.now - 1000 + i,
      messagesSent: 0,
      lastSeen: room.now,
      bucket: fullBucket({ burst: 10, perSecond: 2 }, room.now),
      drops: [],
      conns: away ? [] : [`conn-${i}`],
      ...(away ? { awayUntil: room.now + GRACE } : {}),
    };
    room.roster.add(member);
    return member;
  });
}

describe("a crowd leaving at once", () => {
  it("ends 4,000 graces in one alarm quickly; the one who stays hears of all and runs the room", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    crowd(room, CROWD, true);
    const stays = room.join("stays");
    room.now += GRACE;
    const started = performance.now();
    expire(room.state, room.context, room.now);
    expect(performance.now() - started).toBeLessThan(500);

    room.alarm();
    expect(room.members.map((m) => [m.username, m.operator])).toEqual([["stays", true]]);
    const frames = room.frames(stays.id);
    const left = frames.flatMap((f) => (f.type === "presence" ? f.payload.left : []));
    expect(new Set(left).size).toBe(CROWD);
    // The count is sent once for the whole departure, not once per leaver.
    const counts = frames.filter((f) => f.type === "userCount" && f.payload.count < CROWD);
    expect(counts).toEqual([{ type: "userCount", payload: { count: 1 } }]);
  });

  it("lets 1,000 of 4,000 drop one after another without each costing the whole room", () => {
    const room = new RoomSimulator({ reconnectGraceMs: 0 });
    const members = crowd(room, CROWD, false);
    let removed = 0;
    const started = performance.now();
    for (const member of members.slice(0, 1000)) {
      const { effects } = disconnect(room.state, room.context, member.conns[0] ?? "", room.now);
      // What the room's shell does with the departure: its roster loses the member.
      for (const effect of effects) {
        if (effect.kind === "remove") {
          room.roster.remove(effect.session);
          removed++;
        }
      }
    }
    expect(performance.now() - started).toBeLessThan(500);
    expect(removed).toBe(1000);
    expect(room.roster.size).toBe(CROWD - 1000);
  });
});
