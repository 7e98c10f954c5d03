import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { CloseCode } from "../../src/protocol";
import { readAttachment } from "../../src/room/durable/attachment";
import { connect, framesOf, freshRoom, join, type TestClient } from "./client";

const IDLE_MS = 60_000;

/** Each open socket's attachment as JSON, by connection order of arrival. */
function attachments(room: string): Promise<string[]> {
  return runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) =>
    state.getWebSockets().map((ws) => JSON.stringify(ws.deserializeAttachment())),
  );
}

/** Opens `count` tabs of one session, each joined before the next opens. */
async function tabs(room: string, session: string, count: number): Promise<TestClient[]> {
  const opened: TestClient[] = [];
  for (let i = 0; i < count; i++) {
    const tab = await connect(room, { username: "alice", session });
    await tab.waitFor("welcome");
    opened.push(tab);
  }
  return opened;
}

describe("a person's tabs", () => {
  it("keep attachments whose size does not grow with the number of tabs", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const [first] = await tabs(room, session, 1);
    const [alone = ""] = await attachments(room);
    const more = await tabs(room, session, 9);
    const sizes = (await attachments(room)).map((a) => a.length);
    expect(sizes).toHaveLength(10);
    // Only the connection id and times differ: every tab's attachment is about the size of the first.
    for (const size of sizes) expect(size).toBeLessThanOrEqual(alone.length + 16);
    for (const t of [first, ...more]) t?.close();
  });

  it("rewrite only the attachment of the tab a frame came on", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const [one, two, three] = await tabs(room, session, 3);
    const before = await attachments(room);
    one?.send({ type: "chatMessage", payload: { message: "hello" } });
    await one?.waitFor("chatMessage");
    const after = await attachments(room);
    expect(after.filter((a, i) => a !== before[i])).toHaveLength(1);
    for (const t of [one, two, three]) t?.close();
  });

  it("are at most 10 per person: one more closes the tab quiet longest, which is told why", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const { client: bob } = await join(room, { username: "bob" });
    const opened = await tabs(room, session, 10);
    const [oldest, ...rest] = opened;
    // Every tab but the first says something, so the first is the one quiet longest.
    for (const tab of rest) {
      tab.send({ type: "ping", payload: {} });
      await tab.waitFor("pong");
    }
    const eleventh = await connect(room, { username: "alice", session });
    await eleventh.waitFor("welcome");
    const error = await oldest?.waitFor("error");
    expect(error?.payload.code).toBe("too_many_tabs");
    expect((await oldest?.closed)?.code).toBe(CloseCode.tooManyTabs);
    expect(await attachments(room)).toHaveLength(11); // bob and alice's ten
    // Still one person to everyone else, with nothing announced.
    bob.send("/users");
    const users = await bob.waitFor("users");
    expect(users.payload.users.map((u) => u.username)).toEqual(["bob", "alice"]);
    expect(framesOf(bob, "system").map((f) => f.payload.event)).toEqual(["join", "join"]);
    for (const t of [...rest, eleventh, bob]) t.close();
  });

  it("one more, joining while frames wait in the outbox, gets no id twice", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const opened = await tabs(room, session, 10);
    // Carol's join notice waits to be coalesced while alice's eleventh tab comes in.
    const carol = await connect(room, { username: "carol" });
    await carol.waitFor("welcome");
    const eleventh = await connect(room, { username: "alice", session });
    await eleventh.waitFor("history");
    await eleventh.sync();
    const ids = eleventh.received.flatMap((f) => {
      if (typeof f !== "object") return [];
      if (f.type === "history") return f.payload.messages.map((m) => m.payload.id);
      return f.type === "system" || f.type === "chatMessage" ? [f.payload.id] : [];
    });
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBe(new Set(ids).size);
    for (const t of [...opened, carol, eleventh]) t.close();
  });

  it("each fall idle on their own clock: a silent tab is closed while the person stays", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const { client: bob } = await join(room, { username: "bob" });
    const [silent, busy] = await tabs(room, session, 2);
    const stub = env.CHAT_ROOM.getByName(room);
    // Every connection looks as if it last spoke long ago, and the room sleeps.
    await runInDurableObject(stub, (_, state) => {
      for (const ws of state.getWebSockets()) {
        const a = readAttachment(ws);
        if (a) ws.serializeAttachment({ ...a, seen: a.seen - IDLE_MS - 1000 });
      }
    });
    await evictDurableObject(stub);
    bob.send("/stats");
    await bob.waitFor("stats");
    busy?.send("/stats");
    await busy?.waitFor("stats");
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const idle = await silent?.waitFor("system", (f) => f.payload.event === "idle");
    expect(idle?.payload.text).toBe("disconnected due to inactivity");
    expect((await silent?.closed)?.code).toBe(CloseCode.idle);
    // alice is still here, in her other tab, and nobody was told she left.
    busy?.send("/users");
    const users = await busy?.waitFor("users");
    expect(users?.payload.users.map((u) => u.username)).toEqual(["bob", "alice"]);
    await bob.sync();
    expect(framesOf(bob, "system").map((f) => f.payload.event)).toEqual(["join", "join"]);
    busy?.close();
    bob.close();
  });

  it("keep a person's counters across hibernation whichever tab sent last", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const [quiet, talker] = await tabs(room, session, 2);
    const say = async (text: string) => {
      talker?.send({ type: "chatMessage", payload: { message: text } });
      await talker?.waitFor("chatMessage", (f) => f.payload.message === text);
    };
    const stub = env.CHAT_ROOM.getByName(room);
    for (const text of ["m0", "m1", "m2"]) await say(text);
    // Both tabs open: the talker's attachment is the fresher copy, and it wins on waking.
    await evictDurableObject(stub);
    quiet?.send("/stats");
    expect((await quiet?.waitFor("stats"))?.payload.messagesSent).toBe(3);
    await say("m3");
    talker?.close();
    // Once the talker's close is handled, only the quiet tab's attachment holds the counters.
    const open = () =>
      runInDurableObject(stub, (_, state) => state.getWebSockets().filter((ws) => !readAttachment(ws)?.left).length);
    await vi.waitFor(async () => expect(await open()).toBe(1), { timeout: 5000, interval: 20 });
    await evictDurableObject(stub);
    quiet?.send("/stats");
    expect((await quiet?.waitFor("stats"))?.payload.messagesSent).toBe(4);
    quiet?.close();
  });

  it("count against the join rate: only coming back within the grace is free", async () => {
    const room = freshRoom();
    const session = `tabs-${crypto.randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      const res = await exports.default.fetch(
        `http://hallway.test/chat/${room}?${new URLSearchParams({ username: "alice", session })}`,
        { headers: { Upgrade: "websocket", "CF-Connecting-IP": "203.0.113.77" } },
      );
      statuses.push(res.status);
      res.webSocket?.accept();
    }
    expect(statuses.slice(0, 30).every((s) => s === 101)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429, 429]);
  });
});
