import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryFrame, ReplayFrame } from "../../src/protocol";
import { connect, framesOf, freshRoom, join } from "./client";

const api = async <T>(path: string) => (await exports.default.fetch(`http://hallway.test${path}`)).json<T>();
type Page = { messages: HistoryFrame[]; hasMore: boolean };
const texts = (frames: ReplayFrame[]) =>
  frames.map((f) =>
    f.type === "chatMessage"
      ? f.payload.message
      : f.type === "dm"
        ? `dm:${f.payload.message}`
        : `${f.payload.event}:${f.payload.username}`,
  );

/** Sends `count` numbered messages and waits until the last one is back. */
async function say(client: Awaited<ReturnType<typeof join>>["client"], count: number, prefix = "m") {
  for (let i = 1; i <= count; i++) client.send(`${prefix}${i}`);
  await client.waitFor("chatMessage", (f) => f.payload.message === `${prefix}${count}`, 10_000);
}

describe("history", () => {
  it("is replayed on join, oldest first, with join and leave notices but not DMs", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("first");
    alice.send("/msg bob private");
    bob.send("second");
    await alice.waitFor("chatMessage", (f) => f.payload.message === "second");
    bob.send("/quit");
    await alice.waitFor("system", (f) => f.payload.event === "leave");

    const carol = await connect(room, { username: "carol" });
    await carol.waitFor("welcome");
    const history = await carol.next();
    expect(typeof history === "object" && history.type).toBe("history");
    if (typeof history !== "object" || history.type !== "history") return;
    expect(texts(history.payload.messages)).toEqual(["join:alice", "join:bob", "first", "second", "leave:bob"]);
    expect(history.payload.truncated).toBe(false);
    alice.close();
    carol.close();
  });

  it("survives the object being evicted from memory", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("before eviction");
    await alice.waitFor("chatMessage");
    alice.close();
    await alice.closed;

    const stub = env.CHAT_ROOM.getByName(room);
    await evictDurableObject(stub);

    const { client: bob } = await join(room, { username: "bob" });
    const history = framesOf(bob, "history")[0];
    expect(texts(history?.payload.messages ?? [])).toContain("before eviction");
    // Ids keep growing after the restart rather than starting over.
    bob.send("after eviction");
    const after = await bob.waitFor("chatMessage");
    const before = history?.payload.messages.find((f) => f.type === "chatMessage");
    expect(after.payload.id).toBeGreaterThan(before?.payload.id ?? Infinity);
    bob.close();
  });

  it("keeps a hibernated connection talking after eviction", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    // The sockets hibernated; their names came back from the attachments.
    alice.send("/msg bob still private");
    expect((await bob.waitFor("dm")).payload).toMatchObject({ from: "alice", message: "still private" });
    bob.send("/users");
    expect((await bob.waitFor("users")).payload.users.map((u) => u.username)).toEqual(["alice", "bob"]);
    alice.close();
    bob.close();
  });

  it("resumes with since: only what was missed, nothing twice", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("seen");
    const seen = await alice.waitFor("chatMessage");
    alice.send("missed 1");
    alice.send("missed 2");
    await alice.waitFor("chatMessage", (f) => f.payload.message === "missed 2");

    const resumed = await connect(room, { username: "bob", since: String(seen.payload.id) });
    await resumed.waitFor("welcome");
    const history = await resumed.waitFor("history");
    expect(texts(history.payload.messages)).toEqual(["missed 1", "missed 2"]);
    expect(history.payload.truncated).toBe(false);
    alice.close();
    resumed.close();
  });

  it("replays at most 100 chat messages (and the notices among them) and says when more were missed", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    await say(alice, 120);
    const { client: fresh } = await join(room, { username: "fresh" });
    const history = framesOf(fresh, "history")[0];
    const chat = (h: typeof history) => (h?.payload.messages ?? []).filter((f) => f.type === "chatMessage");
    expect(chat(history)).toHaveLength(100);
    expect(texts(chat(history))[0]).toBe("m21");
    expect(texts(history?.payload.messages ?? []).at(-1)).toBe("m120");
    expect(history?.payload.truncated).toBe(true);

    const { client: resumed } = await join(room, { username: "resumed", since: "1" });
    const partial = framesOf(resumed, "history")[0];
    expect(chat(partial)).toHaveLength(100);
    expect(partial?.payload.truncated).toBe(true);
    for (const c of [alice, fresh, resumed]) c.close();
  });

  it("pages back through older entries with before and limit", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    await say(alice, 30);
    alice.send("/quit");
    await alice.closed;

    const newest = await api<Page>(`/api/rooms/${room}/history?limit=10`);
    expect(texts(newest.messages)).toEqual([...Array.from({ length: 9 }, (_, i) => `m${22 + i}`), "leave:alice"]);
    expect(newest.hasMore).toBe(true);

    const older = await api<Page>(`/api/rooms/${room}/history?limit=25&before=${newest.messages[0]?.payload.id}`);
    expect(texts(older.messages)).toEqual(["join:alice", ...Array.from({ length: 21 }, (_, i) => `m${i + 1}`)]);
    expect(older.hasMore).toBe(false);

    // The default page is 50: all 32 entries (join, 30 messages, leave) fit.
    const byDefault = await api<Page>(`/api/rooms/${room}/history`);
    expect(byDefault.messages).toHaveLength(32);
    expect(byDefault.hasMore).toBe(false);
  });

  it("keeps more than the old 1,100 entries: below HISTORY_MAX_MESSAGES nothing is pruned", async () => {
    const room = freshRoom();
    const stub = env.CHAT_ROOM.getByName(room);
    const { client: alice } = await join(room, { username: "alice" });
    await say(alice, 1250);
    const count = await runInDurableObject(
      stub,
      (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history").one().n,
    );
    // The join and every message.
    expect(count).toBe(1251);
    const page = await api<Page>(`/api/rooms/${room}/history?limit=100&before=1000000`);
    expect(texts(page.messages).at(-1)).toBe("m1250");
    const first = await api<Page>(`/api/rooms/${room}/history?limit=2&after=0`);
    expect(texts(first.messages)).toEqual(["join:alice", "m1"]);
    alice.close();
  });
});
