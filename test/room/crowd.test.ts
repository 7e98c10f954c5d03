import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { RoomSimulator } from "./simulator";

/** What a connection heard about arrivals and departures, as `kind:name`. */
function comings(frames: ServerFrame[]): string[] {
  return frames.flatMap((f) => {
    if (f.type === "system") return [`${f.payload.event}:${f.payload.username}`];
    if (f.type === "presence")
      return [...f.payload.left.map((n) => `left:${n}`), ...f.payload.joined.map((n) => `joined:${n}`)];
    return [];
  });
}

describe("a crowd", () => {
  it("is told of arrivals and departures in presence frames, kept out of the history, once it has crowdSize members", () => {
    const room = new RoomSimulator({ crowdSize: 3 });
    const alice = room.join("alice");
    room.join("bob");
    const carol = room.join("carol");
    const dave = room.join("dave");
    room.command(carol.id, '{"type":"quit","payload":{}}');
    // Below the crowd size a join is a notice; from it on, presence.
    expect(comings(room.frames(alice.id))).toEqual([
      "join:alice",
      "join:bob",
      "joined:carol",
      "joined:dave",
      "left:carol",
    ]);
    expect(comings(room.frames(dave.id))).toEqual(["joined:dave", "left:carol"]);
    expect(room.history.map((f) => (f.type === "system" ? f.payload.event : f.type))).toEqual(["join", "join"]);
    // The count still follows every change.
    expect(
      room
        .frames(alice.id)
        .filter((f) => f.type === "userCount")
        .at(-1)?.payload,
    ).toEqual({ count: 3 });
    expect(room.logs.filter((l) => l.event === "join").map((l) => l.username)).toEqual([
      "alice",
      "bob",
      "carol",
      "dave",
    ]);
  });

  it("still announces kicks, bans and a new operator as notices everyone sees and the history keeps", () => {
    const room = new RoomSimulator({ crowdSize: 2 });
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.join("carol");
    room.command(alice.id, '{"type":"kick","payload":{"username":"carol"}}');
    room.command(alice.id, '{"type":"quit","payload":{}}');
    expect(comings(room.frames(bob.id))).toEqual([
      "joined:bob",
      "joined:carol",
      "kick:carol",
      "left:alice",
      "operator:bob",
    ]);
    expect(room.history.map((f) => (f.type === "system" ? f.payload.event : f.type))).toEqual([
      "join",
      "kick",
      "operator",
    ]);
  });

  it("names an idle member's departure in presence, while the member is told why it was closed", () => {
    const room = new RoomSimulator({ crowdSize: 2, idleTimeoutMs: 1000 });
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.now += 600;
    room.command(alice.id, '{"type":"ping","payload":{}}');
    room.now += 600;
    room.alarm();
    expect(comings(room.frames(bob.id)).at(-1)).toBe("idle:bob");
    expect(comings(room.frames(alice.id)).at(-1)).toBe("left:bob");
    expect(room.closed.get(bob.id)).toBe(4000);
  });

  it("never makes a private stranger room a crowd: the partner's leaving still ends it", () => {
    const room = new RoomSimulator({ crowdSize: 2 }, { closed: false });
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.command(bob.id, '{"type":"quit","payload":{}}');
    expect(comings(room.frames(alice.id))).toEqual(["join:alice", "join:bob", "partner_left:bob"]);
  });
});
