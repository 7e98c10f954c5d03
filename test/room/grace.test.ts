import { describe, expect, it } from "vitest";
import { RoomSimulator } from "./simulator";

const GRACE = 15_000;
const events = (room: RoomSimulator, id: string) =>
  room.frames(id).flatMap((f) => (f.type === "system" ? [`${f.payload.event}:${f.payload.username}`] : []));

describe("the reconnect grace", () => {
  it("keeps a dropped member, away and counted, until the grace ends; then the room is told", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    const alice = room.join("alice", "session-alice");
    const bob = room.join("bob");
    room.disconnect(alice.id);
    expect(room.members.map((m) => [m.username, m.awayUntil])).toEqual([
      ["alice", room.now + GRACE],
      ["bob", undefined],
    ]);
    expect(events(room, bob.id)).toEqual(["join:bob"]);
    // The alarm before the deadline does nothing and asks to run again at it.
    room.now += GRACE - 1;
    expect(room.alarm()).toBe(room.now + 1);
    expect(room.members).toHaveLength(2);
    room.now += 1;
    room.alarm();
    expect(events(room, bob.id)).toEqual(["join:bob", "leave:alice", "operator:bob"]);
    expect(
      room
        .frames(bob.id)
        .filter((f) => f.type === "userCount")
        .at(-1),
    ).toEqual({
      type: "userCount",
      payload: { count: 1 },
    });
  });

  it("a session back within the grace gets welcome and history, and nobody sees anything", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    const alice = room.join("alice", "session-alice");
    const bob = room.join("bob");
    const seenByBob = room.frames(bob.id).length;
    room.disconnect(alice.id);
    room.now += GRACE - 1000;
    const back = room.join("alice", "session-alice");
    expect(room.frames(back.id).map((f) => f.type)).toEqual(["welcome", "history", "userCount"]);
    expect(room.frames(bob.id).length).toBe(seenByBob);
    expect(room.member(back.id)?.awayUntil).toBeUndefined();
    expect(room.member(back.id)?.operator).toBe(true);
    room.now += GRACE;
    room.alarm({ [back.id]: room.now });
    expect(room.frames(bob.id).length).toBe(seenByBob);
  });

  it("quit, kick and a flood end membership at once, with no grace", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE, rateLimitBurst: 1, floodDrops: 2 });
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.join("carol");
    const dave = room.join("dave");
    room.command(bob.id, "/quit");
    room.command(alice.id, "/kick carol");
    for (let i = 0; i < 4; i++) room.send(dave.id, `flood ${i}`);
    expect(room.members.map((m) => m.username)).toEqual(["alice"]);
    expect(events(room, alice.id).slice(-3)).toEqual(["leave:bob", "kick:carol", "leave:dave"]);
  });

  it("hands the room to someone still connected before someone away", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    const alice = room.join("alice");
    room.now += 1;
    const bob = room.join("bob", "session-bob");
    room.now += 1;
    const carol = room.join("carol");
    room.disconnect(bob.id);
    room.command(alice.id, "/quit");
    expect(room.members.find((m) => m.operator)?.username).toBe("carol");
    expect(events(room, carol.id).at(-1)).toBe("operator:carol");
  });

  it("quit from one of two tabs keeps the member; the last tab's quit leaves at once", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    const bob = room.join("bob");
    const tab1 = room.join("alice", "session-alice");
    const tab2 = room.join("alice", "session-alice");
    room.command(tab1.id, "/quit");
    expect(room.closed.get(tab1.id)).toBe(1000);
    expect(room.member(tab2.id)?.conns).toEqual([tab2.id]);
    room.command(tab2.id, "/msg bob still here");
    expect(room.frames(bob.id).at(-1)).toMatchObject({ type: "dm", payload: { from: "alice" } });
    room.command(tab2.id, "/quit");
    expect(events(room, bob.id).at(-1)).toBe("leave:alice");
  });

  it("in a private room, the partner is told when the grace ends, and the room closes", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE }, { closed: false });
    const ann = room.join("ann", "session-ann");
    const ben = room.join("ben", "session-ben");
    room.disconnect(ann.id);
    expect(room.context.privacy?.closed).toBe(false);
    room.now += GRACE;
    room.alarm();
    expect(events(room, ben.id).at(-1)).toBe("partner_left:ann");
    expect(room.context.privacy?.closed).toBe(true);
  });

  it("idle eviction skips away members and counts heartbeats of every tab", () => {
    const room = new RoomSimulator({ reconnectGraceMs: 120_000, idleTimeoutMs: 60_000 });
    const alice = room.join("alice", "session-alice");
    const tab2 = room.join("alice", "session-alice");
    const bob = room.join("bob", "session-bob");
    room.disconnect(bob.id);
    room.now += 61_000;
    room.alarm({ [tab2.id]: room.now - 1000 });
    expect(room.members.map((m) => m.username)).toEqual(["alice", "bob"]);
    room.now += 61_000;
    room.alarm();
    expect(room.closed.get(alice.id)).toBe(4000);
    expect(room.closed.get(tab2.id)).toBe(4000);
  });
});

describe("succession when several leave in one alarm", () => {
  it("skips the next in line when they go idle too: someone still here runs the room", () => {
    const room = new RoomSimulator({ idleTimeoutMs: 60_000 });
    const op = room.join("op");
    room.now += 1;
    const next = room.join("next");
    room.now += 1;
    const stays = room.join("stays");
    room.now += 61_000;
    room.alarm({ [stays.id]: room.now - 1000 });
    expect(room.closed.get(op.id)).toBe(4000);
    expect(room.closed.get(next.id)).toBe(4000);
    expect(room.members.map((m) => [m.username, m.operator])).toEqual([["stays", true]]);
    const notices = room
      .frames(stays.id)
      .flatMap((f) => (f.type === "system" ? [`${f.payload.event}:${f.payload.username}`] : []));
    // Everyone who left is named first; the new operator once they are all gone.
    expect(notices.slice(-3)).toEqual(["leave:op", "leave:next", "operator:stays"]);
  });
});

describe("succession while everyone is away", () => {
  it("passes the role on without a notice when nobody is connected to read it", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    const op = room.join("op", "session-op");
    room.now += 1;
    const ann = room.join("ann", "session-ann");
    room.now += 1;
    const bob = room.join("bob", "session-bob");
    room.disconnect(op.id);
    room.now += 1000;
    room.disconnect(ann.id);
    room.now += 1000;
    room.disconnect(bob.id);
    // op's grace ends first, then ann's: the role goes to ann, then to bob, both away.
    room.now += GRACE - 2000;
    room.alarm();
    expect(room.members.map((m) => [m.username, m.operator])).toEqual([
      ["ann", true],
      ["bob", false],
    ]);
    room.now += 1000;
    room.alarm();
    expect(room.members.map((m) => [m.username, m.operator])).toEqual([["bob", true]]);
    expect(room.logs.filter((l) => l.event === "operator").map((l) => l.username)).toEqual(["ann", "bob"]);
    const noticed = room.history.flatMap((f) =>
      f.type === "system" ? [`${f.payload.event}:${f.payload.username}`] : [],
    );
    expect(noticed.filter((n) => n.startsWith("operator:"))).toEqual([]);
    // bob comes back within his grace: he runs the room, and is told so on arrival.
    const back = room.join("bob", "session-bob");
    const welcome = room.frames(back.id).find((f) => f.type === "welcome");
    expect(welcome?.type === "welcome" && welcome.payload.operator).toBe(true);
  });

  it("still tells the room when someone connected takes over", () => {
    const room = new RoomSimulator({ reconnectGraceMs: GRACE });
    const op = room.join("op", "session-op");
    room.now += 1;
    const ann = room.join("ann", "session-ann");
    room.disconnect(op.id);
    room.now += GRACE;
    room.alarm();
    expect(events(room, ann.id).slice(-2)).toEqual(["leave:op", "operator:ann"]);
  });
});
