import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "../worker/client";

// This project runs with RATE_LIMIT_BURST=5, RATE_LIMIT_PER_SECOND=1, MAX_FRAME_BYTES=1024,
// MAX_MESSAGE_LENGTH=300, MAX_CONNECTIONS=3, CROWD_SIZE=3 and two ALLOWED_ORIGINS (see vitest.config.ts).

describe("rate limits", () => {
  it("drops frames over the burst with rate_limited and a retry time", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    for (let i = 1; i <= 6; i++) client.send(`message ${i}`);
    const error = await client.waitFor("error");
    expect(error.payload.code).toBe("rate_limited");
    expect(error.payload.retryAfterMs).toBeGreaterThan(0);
    expect(error.payload.retryAfterMs).toBeLessThanOrEqual(1000);
    const delivered = client.received.filter((f) => typeof f === "object" && f.type === "chatMessage");
    expect(delivered.map((f) => typeof f === "object" && f.type === "chatMessage" && f.payload.message)).toEqual([
      "message 1",
      "message 2",
      "message 3",
      "message 4",
      "message 5",
    ]);
    client.close();
  });

  it("closes a client that keeps flooding with 4429; the room sees it leave", async () => {
    const room = freshRoom();
    const { client: watcher } = await join(room, { username: "watcher" });
    const { client: flooder } = await join(room, { username: "flooder" });
    for (let i = 0; i < 40; i++) flooder.send(`spam ${i}`);
    expect((await flooder.closed).code).toBe(4429);
    const left = await watcher.waitFor("system", (f) => f.payload.event === "leave");
    expect(left.payload.username).toBe("flooder");
    watcher.close();
  });
});

describe("sizes", () => {
  it("refuses a frame over MAX_FRAME_BYTES with too_large and stays connected", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.send("é".repeat(600)); // 600 characters, 1,200 bytes
    expect((await client.waitFor("error")).payload.code).toBe("too_large");
    client.send("small");
    expect((await client.waitFor("chatMessage")).payload.message).toBe("small");
    client.close();
  });

  it("uses MAX_MESSAGE_LENGTH for too_long and tells clients in welcome", async () => {
    const { client, welcome } = await join(freshRoom(), { username: "alice" });
    expect(welcome.limits.maxMessageLength).toBe(300);
    client.send("x".repeat(301));
    expect((await client.waitFor("error")).payload.code).toBe("too_long");
    client.close();
  });
});

describe("capacity", () => {
  it("refuses the joiner after MAX_CONNECTIONS with room_full and close 4503", async () => {
    const room = freshRoom();
    const members = [];
    for (const name of ["a", "b", "c"]) {
      members.push((await join(room, { username: name, session: `session-${name}` })).client);
    }
    const late = await connect(room, { username: "d" });
    expect((await late.waitFor("error")).payload.code).toBe("room_full");
    expect((await late.closed).code).toBe(4503);
    // Another tab of a member adds no member, so a full room still lets it in, and the first tab stays.
    const { client: again } = await join(room, { username: "a", session: "session-a" });
    again.send("from the second tab");
    const echoed = await members[0]?.waitFor("chatMessage");
    expect(echoed?.payload.message).toBe("from the second tab");
    for (const c of [...members, again]) c.close();
  });
});

describe("ALLOWED_ORIGINS", () => {
  const upgrade = (origin?: string) =>
    exports.default.fetch(`http://hallway.test/chat/${freshRoom()}`, {
      headers: { Upgrade: "websocket", ...(origin ? { Origin: origin } : {}) },
    });

  it("lets listed origins in", async () => {
    expect((await upgrade("https://chat.example")).status).toBe(101);
    expect((await upgrade("https://www.chat.example")).status).toBe(101);
  });

  it("refuses any other origin with 403 JSON before the upgrade, the worker's own included", async () => {
    for (const origin of ["https://evil.example", "http://hallway.test", "https://chat.example.evil"]) {
      const res = await upgrade(origin);
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    }
  });

  it("lets clients without an Origin header in", async () => {
    expect((await upgrade()).status).toBe(101);
  });
});

describe("matchmaking without MATCH_SECRET", () => {
  it("is refused on a deployed host instead of signing with a public key", async () => {
    const res = await exports.default.fetch("https://hallway.example.workers.dev/match", {
      headers: { Upgrade: "websocket" },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "unavailable" } });
  });
});
