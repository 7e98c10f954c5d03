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
    expect(room.bans).toEqual([{ name: "bob", session: "bob-session", address: null, until: null }]);
    expect(room.join("Bob").outcome).toMatchObject({ ok: false, closeCode: 4008, error: { code: "banned" } });
    expect(room.join("other", "bob-session").outcome).toMatchObject({ ok: false, closeCode: 4008 });
    room.command(alice.id, "/unban BOB");
    expect(room.join("bob").outcome.ok).toBe(true);
  });

  it("a ban for good says so, to the room and to the person banned, before the close", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.command(alice.id, "/ban bob");
    expect(room.frames(alice.id).find((f) => f.type === "system" && f.payload.event === "ban")).toMatchObject({
      payload: { text: "bob was banned by alice for good" },
    });
    expect(room.frames(bob.id).slice(-2)).toMatchObject([
      { type: "system", payload: { event: "ban", text: "bob was banned by alice for good" } },
      { type: "error", payload: { code: "banned", message: "you are banned from this room for good" } },
    ]);
    expect(room.closed.get(bob.id)).toBe(4008);
  });

  it("a timed ban says how long it lasts, in the largest whole unit", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    const spans = { bob: [10, "10 minutes"], cy: [1, "1 minute"], di: [120, "2 hours"], ed: [2880, "2 days"] };
    for (const [name, [minutes, said]] of Object.entries(spans)) {
      const target = room.join(name);
      room.command(alice.id, `/ban ${name} ${minutes}`);
      expect(room.frames(target.id).slice(-2)).toMatchObject([
        { type: "system", payload: { text: `${name} was banned by alice for ${said}` } },
        { type: "error", payload: { code: "banned", message: `you are banned from this room for ${said}` } },
      ]);
    }
  });

  it("tells someone who comes back while banned how long is left", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.join("bob", "bob-session");
    room.join("cy", "cy-session");
    room.command(alice.id, "/ban bob 10");
    room.command(alice.id, "/ban cy");
    room.now += 2.5 * 60_000;
    expect(room.join("bob").outcome).toMatchObject({
      ok: false,
      error: { code: "banned", message: "you are banned from this room for another 8 minutes" },
    });
    expect(room.join("someone", "bob-session").outcome).toMatchObject({
      error: { message: "you are banned from this room for another 8 minutes" },
    });
    expect(room.join("cy").outcome).toMatchObject({ error: { message: "you are banned from this room for good" } });
    room.now += 8 * 60_000;
    expect(room.join("bob").outcome.ok).toBe(true);
  });

  it("tells the operator how long a ban on someone absent lasts", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.command(alice.id, "/ban spammer");
    expect(room.frames(alice.id).at(-1)).toMatchObject({
      payload: { text: "spammer is banned from this room for good" },
    });
    room.command(alice.id, "/ban troll 60");
    expect(room.frames(alice.id).at(-1)).toMatchObject({
      payload: { text: "troll is banned from this room for 1 hour" },
    });
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
