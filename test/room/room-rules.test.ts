import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoomSimulator } from "./simulator";

const types = (frames: { type: string }[]) => frames.map((f) => f.type);

describe("the room's pure logic", () => {
  it("makes the first joiner the operator and hands over to the longest-connected when they leave", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.now += 1000;
    const bob = room.join("bob");
    room.now += 1000;
    const carol = room.join("carol");
    expect(room.members.map((m) => [m.username, m.operator])).toEqual([
      ["alice", true],
      ["bob", false],
      ["carol", false],
    ]);
    room.disconnect(alice.id);
    expect(room.members.find((m) => m.operator)?.username).toBe("bob");
    const notice = room.frames(carol.id).at(-1);
    expect(notice).toMatchObject({ type: "system", payload: { event: "operator", username: "bob" } });
    expect(bob.outcome.ok).toBe(true);
  });

  it("sends the joiner welcome, history, join notice and count, in that order", () => {
    const room = new RoomSimulator();
    const { id } = room.join("alice");
    expect(types(room.frames(id))).toEqual(["welcome", "history", "system", "userCount"]);
  });

  it("joins a second tab of a session as the same member: no notice, both tabs stay, one count", () => {
    const room = new RoomSimulator();
    const first = room.join("alice", "same-session");
    const bob = room.join("bob");
    const before = room.frames(bob.id).length;
    const second = room.join("alice", "same-session");
    expect(room.closed.has(first.id)).toBe(false);
    expect(types(room.frames(second.id))).toEqual(["welcome", "history", "userCount"]);
    expect(room.frames(second.id).at(-1)).toEqual({ type: "userCount", payload: { count: 2 } });
    expect(room.frames(bob.id).length).toBe(before);
    expect(room.members.map((m) => m.conns)).toEqual([[first.id, second.id], [bob.id]]);
    expect(room.members[0]?.operator).toBe(true);
  });

  it("hands out increasing ids, DMs included", () => {
    const room = new RoomSimulator();
    const a = room.join("a");
    room.join("b");
    room.send(a.id, "one");
    room.send(a.id, "/msg b two");
    room.send(a.id, "three");
    const ids = room
      .frames(a.id)
      .flatMap((f) => (f.type === "chatMessage" || f.type === "dm" || f.type === "system" ? [f.payload.id] : []));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("answers every frame, never delivers a DM to a third user, never puts one name on another's message", () => {
    const frame = fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.integer({ min: 1000, max: 5000 }).map((n) => "é".repeat(n)),
      fc.uint8Array({ maxLength: 32 }).map((a) => a.buffer as ArrayBuffer),
      fc.constantFrom("/msg b secret", "/msg c secret", "/msg a secret", "/users", "/quit", "/stats", "{oops"),
      fc
        .record({
          type: fc.constantFrom("chatMessage", "dm", "users", "quit", "bogus"),
          payload: fc.record({
            message: fc.oneof(fc.string(), fc.integer()),
            to: fc.constantFrom("a", "b", "c", "A", "nobody"),
            username: fc.constantFrom("a", "b", "c"),
          }),
        })
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(0, 1, 2), frame), { maxLength: 40 }), (script) => {
        const room = new RoomSimulator({ maxFrameBytes: 4096, rateLimitBurst: 15, floodDrops: 10 });
        const ids = ["a", "b", "c"].map((name) => room.join(name).id);
        const nameOf = new Map(ids.map((id, i) => [id, ["a", "b", "c"][i]]));
        for (const [who, raw] of script) {
          const id = ids[who] ?? "";
          const before = room.frames(id).length;
          room.send(id, raw);
          const live = room.member(id) !== undefined;
          if (live && room.frames(id).length === before && !room.closed.has(id)) {
            throw new Error(`no reply to ${JSON.stringify(raw)}`);
          }
        }
        for (const id of ids) {
          const me = nameOf.get(id);
          for (const f of room.frames(id)) {
            if (f.type === "dm") expect([f.payload.from, f.payload.to]).toContain(me);
          }
        }
        // Every chat message carries the name of the connection that sent it.
        const senders = new Set(["a", "b", "c"]);
        for (const f of room.history) if (f.type === "chatMessage") expect(senders.has(f.payload.username)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("stamps each chat message with the sender's own name", () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.string({ minLength: 1, maxLength: 50 }), (who, spoof) => {
        const room = new RoomSimulator();
        const ids = [room.join("alice").id, room.join("bob").id];
        room.send(ids[who] ?? "", JSON.stringify({ type: "chatMessage", payload: { message: "x", username: spoof } }));
        const last = room.history.at(-1);
        expect(last).toMatchObject({ type: "chatMessage", payload: { username: who === 0 ? "alice" : "bob" } });
      }),
    );
  });
});
