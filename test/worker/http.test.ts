import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshRoom, join } from "./client";

const get = (path: string, init?: RequestInit) => exports.default.fetch(`http://hallway.test${path}`, init);

describe("HTTP routes", () => {
  it("GET /healthz answers ok", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each(["a.b", "x".repeat(65), "sp%20ace", "%F0%9F%98%80"])("GET /chat/%s is a bad room", async (room) => {
    const res = await get(`/chat/${room}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("bad_room");
    expect(body.error.message).toMatch(/1-64/);
  });

  it("GET /chat/ with no room name is a bad room", async () => {
    const res = await get("/chat/", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(400);
  });

  it("GET /chat/:room without an upgrade asks for one", async () => {
    const res = await get(`/chat/${freshRoom()}`);
    expect(res.status).toBe(426);
    expect(await res.json()).toMatchObject({ error: { code: "upgrade_required" } });
  });

  it("unknown /api routes are JSON 404s", async () => {
    const res = await get("/api/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/json/);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("ships no benchmark floor: /bench/floor answers 404 (the floor is a worker of its own)", async () => {
    const res = await get(`/bench/floor/${freshRoom()}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(404);
  });

  it("GET /api/rooms/:room reports an empty room without creating anything", async () => {
    const room = freshRoom();
    const res = await get(`/api/rooms/${room}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ room, userCount: 0, users: [], lastMessageAt: null, shards: 1 });
    const history = await get(`/api/rooms/${room}/history`);
    expect(await history.json()).toEqual({ messages: [], hasMore: false });
  });

  it("GET /api/rooms/:room lists who is connected and when the room last spoke", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("hello");
    const sent = await alice.waitFor("chatMessage");
    const res = await get(`/api/rooms/${room}`);
    expect(await res.json()).toEqual({
      room,
      userCount: 2,
      users: ["alice", "bob"],
      lastMessageAt: sent.payload.ts,
      shards: 1,
    });
    alice.close();
    bob.close();
  });

  it("GET /api/rooms/:room/history refuses a bad limit or cursor", async () => {
    const room = freshRoom();
    for (const query of ["limit=0", "limit=101", "limit=abc", "before=-1", "before=1.5"]) {
      const res = await get(`/api/rooms/${room}/history?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
    }
  });
});
