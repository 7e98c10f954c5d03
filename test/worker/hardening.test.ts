import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EXPIRED_TICKET_HEADER, PRIVATE_HEADER } from "../../src/worker/private-rooms";
import { connect, framesOf, freshRoom, join } from "./client";
import { storageOf } from "./storage";

const upgrade = (room: string, address: string, username: string) =>
  exports.default.fetch(`http://hallway.test/chat/${room}?username=${username}`, {
    headers: { Upgrade: "websocket", "CF-Connecting-IP": address },
  });

describe("join floods", () => {
  it("refuses the 31st join a minute from one address with HTTP 429 before the upgrade; others still get in", async () => {
    const room = freshRoom();
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await upgrade(room, "203.0.113.7", `u${i}`);
      expect(res.status).toBe(101);
      res.webSocket?.accept();
      if (res.webSocket) sockets.push(res.webSocket);
    }
    const refused = await upgrade(room, "203.0.113.7", "one-too-many");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    const body = await refused.json<{ error: { code: string; retryAfterMs: number } }>();
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.retryAfterMs).toBeGreaterThan(0);
    expect(body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    const elsewhere = await upgrade(room, "198.51.100.1", "neighbour");
    expect(elsewhere.status).toBe(101);
    elsewhere.webSocket?.accept();
    // The limit is per room: the same address may join another room.
    const other = await upgrade(freshRoom(), "203.0.113.7", "u0");
    expect(other.status).toBe(101);
    other.webSocket?.accept();
    for (const ws of [...sockets, elsewhere.webSocket, other.webSocket]) ws?.close(1000);
  });
});

describe("presence churn", () => {
  it("never pushes chat out: after 120 people come and go, a newcomer still gets what was said", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    for (let i = 1; i <= 5; i++) alice.send(`said ${i}`);
    await alice.waitFor("chatMessage", (f) => f.payload.message === "said 5");
    for (let i = 0; i < 120; i++) {
      const visitor = await connect(room, { username: `visitor${i}` });
      await visitor.waitFor("userCount");
      visitor.send("/quit");
      await visitor.closed;
    }
    const { client: late } = await join(room, { username: "late" });
    const replay = framesOf(late, "history")[0]?.payload.messages ?? [];
    const said = replay.flatMap((f) => (f.type === "chatMessage" ? [f.payload.message] : []));
    expect(said).toEqual(["said 1", "said 2", "said 3", "said 4", "said 5"]);
    // The notices are there too, the newest ones, capped.
    expect(replay.filter((f) => f.type === "system").length).toBeLessThanOrEqual(100);
    alice.close();
    late.close();
  }, 60_000);
});

describe("bans", () => {
  it("can last a while, are listed for the operator only, and are kept once per name", async () => {
    const room = freshRoom();
    const { client: op } = await join(room, { username: "op" });
    const { client: bob } = await join(room, { username: "bob", session: "session-bob" });
    const { client: carol } = await join(room, { username: "carol" });
    const before = Date.now();
    op.send("/ban bob 5");
    expect((await bob.waitFor("error")).payload.message).toBe("you are banned from this room for 5 minutes");
    expect((await bob.closed).code).toBe(4008);
    expect((await carol.waitFor("system", (f) => f.payload.event === "ban")).payload.text).toBe(
      "bob was banned by op for 5 minutes",
    );
    const back = await connect(room, { username: "bob", session: "session-bob" });
    expect((await back.waitFor("error")).payload.message).toBe("you are banned from this room for another 5 minutes");
    op.send("/ban BOB 10");
    op.send("/bans");
    const { bans } = (await op.waitFor("bans")).payload;
    expect(bans).toHaveLength(1);
    expect(bans[0]?.username).toBe("BOB");
    expect(bans[0]?.until).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(bans[0]?.until).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
    carol.send("/bans");
    expect((await carol.waitFor("error")).payload.code).toBe("not_operator");

    // Once its time is up, the ban no longer applies.
    await runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
      state.storage.sql.exec("UPDATE room_bans SET until = ?", Date.now() - 1);
    });
    const { welcome } = await join(room, { username: "bob", session: "session-bob" });
    expect(welcome.username).toBe("bob");
    op.send("/bans");
    expect((await op.waitFor("bans")).payload.bans).toEqual([]);
    op.close();
    carol.close();
  });

  it("refuses a ban name that no one could have, and a bad duration", async () => {
    const { client: op } = await join(freshRoom(), { username: "op" });
    op.send(`/ban ${"x".repeat(33)}`);
    expect((await op.waitFor("error")).payload.code).toBe("bad_message");
    op.send("/ban bob soon");
    expect((await op.waitFor("error")).payload.code).toBe("bad_message");
    op.send({ type: "ban", payload: { username: "bob", minutes: 0 } });
    expect((await op.waitFor("error")).payload.code).toBe("bad_message");
    op.close();
  });
});

describe("storage", () => {
  it("looking at a room nobody used creates nothing", async () => {
    const room = freshRoom();
    const info = await (await exports.default.fetch(`http://hallway.test/api/rooms/${room}`)).json();
    expect(info).toMatchObject({ userCount: 0, users: [], lastMessageAt: null });
    for (const query of ["", "?limit=5", "?after=0", "?before=10"]) {
      const page = await (await exports.default.fetch(`http://hallway.test/api/rooms/${room}/history${query}`)).json();
      expect(page).toEqual({ messages: [], hasMore: false });
    }
    expect(await storageOf(room)).toEqual({ tables: [], keys: 0, alarm: null });
  });
});

describe("private rooms with an expired ticket", () => {
  const enter = (room: string, session: string, expired: boolean) => {
    const headers: Record<string, string> = { Upgrade: "websocket", [PRIVATE_HEADER]: "1" };
    if (expired) headers[EXPIRED_TICKET_HEADER] = "1";
    return env.CHAT_ROOM.getByName(room).fetch(
      new Request(`http://hallway.test/chat/${room}?username=${session.slice(0, 8)}&session=${session}`, { headers }),
    );
  };
  const open = async (res: Response) => {
    const ws = res.webSocket;
    if (!ws) throw new Error(`no socket: ${res.status}`);
    ws.accept();
    const frames: { type: string; payload: Record<string, unknown> }[] = [];
    ws.addEventListener("message", (e) => frames.push(...[JSON.parse(String(e.data))].flat()));
    const closed = new Promise<number>((r) => ws.addEventListener("close", (e) => r(e.code)));
    return { ws, frames, closed };
  };

  it("lets back in only someone who is still in the conversation", async () => {
    const room = freshRoom("pv-t");
    const ann = await open(await enter(room, "session-ann-1", false));
    await open(await enter(room, "session-ben-1", false));
    ann.ws.close(1000);
    // ann is within her grace: her expired ticket still works.
    const back = await open(await enter(room, "session-ann-1", true));
    await new Promise((r) => setTimeout(r, 200));
    expect(back.frames.map((f) => f.type)).toContain("welcome");
    // A stranger with an expired ticket for this room is not a member.
    const stranger = await open(await enter(room, "session-zed-1", true));
    expect(await stranger.closed).toBe(4403);
    expect(stranger.frames[0]).toMatchObject({ type: "error", payload: { code: "forbidden" } });
  });
});
