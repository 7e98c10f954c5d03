import { describe, expect, it } from "vitest";
import { RoomSimulator } from "./simulator";

describe("moderation in the pure hub", () => {
  it("kick: notice to the room (target included), close 4003, count drops", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.command(alice.id, "/kick bob");
    expect(room.closed.get(bob.id)).toBe(4003);
    expect(room.frames(bob.id).at(-1)).toMatchObject({ type: "system", payload: { event: "kick" } });
    expect(room.frames(alice.id).at(-1)).toEqual({ type: "userCount", payload: { count: 1 } });
  });

  it("ban: stores name and session, and the next join with either is refused", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.join("bob", "bob-session");
    room.command(alice.id, "/ban bob");
    expect(room.bans).toEqual([{ name: "bob", session: "bob-session", until: null }]);
    expect(room.join("Bob").outcome).toMatchObject({ ok: false, closeCode: 4008, error: { code: "banned" } });
    expect(room.join("other", "bob-session").outcome).toMatchObject({ ok: false, closeCode: 4008 });
    room.command(alice.id, "/unban BOB");
    expect(room.join("bob").outcome.ok).toBe(true);
  });

  it("refuses non-operators", () => {
    const room = new RoomSimulator();
    room.join("alice");
    const bob = room.join("bob");
    room.command(bob.id, "/kick alice");
    expect(room.frames(bob.id).at(-1)).toMatchObject({ type: "error", payload: { code: "not_operator" } });
  });
});

describe("idle expiry in the pure hub", () => {
  it("evicts only those silent for the timeout and names the next deadline", () => {
    const room = new RoomSimulator({ idleTimeoutMs: 10_000 });
    const alice = room.join("alice");
    room.now += 4_000;
    const bob = room.join("bob");
    room.now += 6_000;
    const next = room.alarm();
    expect(room.closed.get(alice.id)).toBe(4000);
    expect(room.closed.has(bob.id)).toBe(false);
    expect(next).toBe(room.now + 4_000);
    expect(room.frames(alice.id).at(-1)).toMatchObject({ type: "system", payload: { event: "idle" } });
  });

  it("counts a heartbeat as activity", () => {
    const room = new RoomSimulator({ idleTimeoutMs: 10_000 });
    const alice = room.join("alice");
    room.now += 10_000;
    expect(room.alarm({ [alice.id]: room.now - 1 })).toBe(room.now + 9_999);
    expect(room.closed.has(alice.id)).toBe(false);
  });

  it("has no next deadline once the room is empty", () => {
    const room = new RoomSimulator({ idleTimeoutMs: 10_000 });
    room.join("alice");
    room.now += 10_000;
    expect(room.alarm()).toBeNull();
  });
});

describe("limits in the pure hub", () => {
  it("rate limits, then closes a flood with 4429", () => {
    const room = new RoomSimulator({ rateLimitBurst: 2, rateLimitPerSecond: 1, floodDrops: 5 });
    const a = room.join("a");
    for (let i = 0; i < 3; i++) room.send(a.id, `m${i}`);
    expect(room.frames(a.id).at(-1)).toMatchObject({ type: "error", payload: { code: "rate_limited" } });
    for (let i = 0; i < 4; i++) room.send(a.id, "more");
    expect(room.closed.get(a.id)).toBe(4429);
    expect(room.logs.at(-1)).toMatchObject({ event: "rate_limit_close", username: "a" });
  });

  it("never refuses a quit, however fast the frames before it came", () => {
    const room = new RoomSimulator({ rateLimitBurst: 2, rateLimitPerSecond: 1 });
    const a = room.join("a");
    const b = room.join("b");
    for (let i = 0; i < 3; i++) room.send(a.id, `m${i}`);
    expect(room.frames(a.id).at(-1)).toMatchObject({ type: "error", payload: { code: "rate_limited" } });
    room.send(a.id, JSON.stringify({ type: "quit", payload: {} }));
    expect(room.closed.get(a.id)).toBe(1000);
    expect(room.members.map((m) => m.username)).toEqual(["b"]);
    const told = room
      .frames(b.id)
      .flatMap((f) => (f.type === "system" ? [`${f.payload.event}:${f.payload.username}`] : []));
    expect(told).toContain("leave:a");
  });

  it("answers every ping however many came, and a ping takes nothing from what may be said", () => {
    const room = new RoomSimulator({ rateLimitBurst: 2, rateLimitPerSecond: 1 });
    const a = room.join("a");
    for (let i = 0; i < 20; i++) room.send(a.id, JSON.stringify({ type: "ping" }));
    const answers = room.frames(a.id).filter((f) => f.type === "pong" || f.type === "error");
    expect(answers.map((f) => f.type)).toEqual(Array(20).fill("pong"));
    room.send(a.id, "still allowed");
    room.send(a.id, "this too");
    expect(room.frames(a.id).filter((f) => f.type === "chatMessage")).toHaveLength(2);
  });

  it("refuses the joiner past capacity but allows a takeover", () => {
    const room = new RoomSimulator({ maxConnections: 1 });
    room.join("a", "session-a");
    expect(room.join("b").outcome).toMatchObject({ ok: false, closeCode: 4503, error: { code: "room_full" } });
    expect(room.join("a", "session-a").outcome.ok).toBe(true);
  });

  it("measures frame size in UTF-8 bytes", () => {
    const room = new RoomSimulator({ maxFrameBytes: 10 });
    const a = room.join("a");
    room.send(a.id, "ééééé"); // 10 bytes
    expect(room.frames(a.id).at(-1)).toMatchObject({ type: "chatMessage" });
    room.send(a.id, "éééééé"); // 12 bytes
    expect(room.frames(a.id).at(-1)).toMatchObject({ type: "error", payload: { code: "too_large" } });
  });
});
