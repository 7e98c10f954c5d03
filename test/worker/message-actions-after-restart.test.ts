import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryFrame, ReplayFrame } from "../../src/protocol";
import { framesOf, freshRoom, join } from "./client";

const page = async (room: string) =>
  (await exports.default.fetch(`http://hallway.test/api/rooms/${room}/history`)).json<{ messages: HistoryFrame[] }>();
const chatIn = (frames: ReplayFrame[] | undefined, id: number) =>
  frames?.find((f) => f.type === "chatMessage" && f.payload.id === id)?.payload;

describe("message actions across eviction and restart", () => {
  it("replays and history pages show each message as it stands, never the old text", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice", session: "session-alice" });
    const { client: bob } = await join(room, { username: "bob", session: "session-bob" });
    alice.send("first draft");
    alice.send("to be taken back");
    const [one, two] = await Promise.all([
      bob.waitFor("chatMessage", (f) => f.payload.message === "first draft"),
      bob.waitFor("chatMessage", (f) => f.payload.message === "to be taken back"),
    ]);
    const a = one.payload.id;
    const b = two.payload.id;

    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    // The author is known after waking: alice may edit, bob may not.
    bob.send(`/edit ${a} bob's version`);
    expect((await bob.waitFor("error")).payload.code).toBe("not_allowed");
    alice.send({ type: "edit", payload: { id: a, message: "final text", clientId: "edit-1" } });
    expect((await alice.waitFor("ack")).payload).toMatchObject({ clientId: "edit-1", id: a });
    bob.send(`/react ${a} 🎉`);
    await alice.waitFor("reaction", (f) => f.payload.id === a && f.payload.on);
    alice.send(`/delete ${b}`);
    await bob.waitFor("messageUpdated", (f) => f.payload.deleted === true);

    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const { client: carol } = await join(room, { username: "carol" });
    const replay = framesOf(carol, "history")[0]?.payload.messages;
    for (const frames of [replay, (await page(room)).messages]) {
      expect(chatIn(frames, a)).toMatchObject({
        message: "final text",
        editedAt: expect.any(Number),
        reactions: { "🎉": ["bob"] },
      });
      expect(chatIn(frames, b)).toMatchObject({ message: "", deleted: true });
    }
    const rows = await runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) =>
      state.storage.sql
        .exec<{ frame: string }>("SELECT frame FROM history")
        .toArray()
        .map((r) => r.frame)
        .join("\n"),
    );
    expect(rows).not.toContain("first draft");
    expect(rows).not.toContain("to be taken back");
    for (const c of [alice, bob, carol]) c.close();
  });

  it("typing reaches the others, not the sender, and leaves nothing in storage", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    const count = () =>
      runInDurableObject(
        env.CHAT_ROOM.getByName(room),
        (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history").one().n,
      );
    const before = await count();
    alice.send({ type: "typing", payload: {} });
    expect((await bob.waitFor("typing")).payload.username).toBe("alice");
    await alice.sync();
    expect(framesOf(alice, "typing")).toEqual([]);
    expect(await count()).toBe(before);
    alice.close();
    bob.close();
  });

  it("messages from before authors were kept cannot be edited, and the room still works", async () => {
    const room = freshRoom();
    await runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
      state.storage.sql.exec(
        "CREATE TABLE history (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL, frame TEXT NOT NULL)",
      );
      const frame = { type: "chatMessage", payload: { id: 1, username: "alice", message: "old", ts: 1 } };
      state.storage.sql.exec("INSERT INTO history VALUES (1, 1, 'chatMessage', ?)", JSON.stringify(frame));
    });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("/edit 1 new");
    expect((await alice.waitFor("error")).payload.code).toBe("not_allowed");
    alice.send("new message");
    const sent = await alice.waitFor("chatMessage", (f) => f.payload.message === "new message");
    alice.send(`/edit ${sent.payload.id} edited`);
    expect((await alice.waitFor("messageUpdated")).payload.message).toBe("edited");
    alice.close();
  });
});
