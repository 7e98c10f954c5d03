import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryFrame, Reactions, ServerFrame } from "../../src/protocol";
import { framesOf, freshRoom, join, type TestClient } from "./client";

/** Twenty different emoji: as many as one message may hold. */
const EMOJI = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"];

const page = async (room: string) =>
  (await exports.default.fetch(`http://hallway.test/api/rooms/${room}/history`)).text();
const chatIn = (frames: readonly (HistoryFrame | ServerFrame)[] | undefined, id: number) =>
  frames?.find(
    (f): f is Extract<ServerFrame, { type: "chatMessage" }> => f.type === "chatMessage" && f.payload.id === id,
  )?.payload;
const replayOf = (client: TestClient) => framesOf(client, "history")[0]?.payload.messages;
const reactionsIn = (frames: readonly (HistoryFrame | ServerFrame)[] | undefined, id: number) =>
  chatIn(frames, id)?.reactions;

/** Reacts with a clientId and waits for the ack, so the next step sees the toggle done. */
async function react(client: TestClient, id: number, emoji: string, clientId: string): Promise<void> {
  client.send({ type: "react", payload: { id, emoji, clientId } });
  await client.waitFor("ack", (f) => f.payload.clientId === clientId, 10_000);
}

/** A room with one message from its first member, "author". */
async function roomWithMessage(params: Record<string, string> = {}) {
  const room = freshRoom();
  const { client: author, welcome } = await join(room, { username: "author", session: "session-author", ...params });
  author.send("react to this");
  const id = (await author.waitFor("chatMessage")).payload.id;
  return { room, author, id, epoch: welcome.epoch };
}

/** Text that JSON has to escape, and characters it keeps as they are. */
const OLD_TEXT = 'old ✨ "quoted" \\ back\nslash';

/**
 * A room from before reactions had a table of their own: one chat message
 * whose stored frame carries its reactions, by name.
 */
async function oldRoomWith(reactions: Reactions): Promise<string> {
  const room = freshRoom();
  await runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
    state.storage.sql.exec(
      "CREATE TABLE history (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL, frame TEXT NOT NULL, author TEXT)",
    );
    state.storage.sql.exec("CREATE INDEX history_by_type ON history (type, id)");
    const frame = { type: "chatMessage", payload: { id: 1, username: "author", message: OLD_TEXT, ts: 1, reactions } };
    state.storage.sql.exec(
      "INSERT INTO history VALUES (1, 1, 'chatMessage', ?, 'session-author')",
      JSON.stringify(frame),
    );
  });
  await evictDurableObject(env.CHAT_ROOM.getByName(room));
  return room;
}

/**
 * What the room's storage does from now on, as the bytes of the values it
 * binds into statements and the rows its statements read and write. Counted
 * inside the room's object, on the very SQL handle the room uses.
 */
async function meterStorage(room: string): Promise<() => Promise<number>> {
  const cursors: { rowsRead: number; rowsWritten: number }[] = [];
  const spent = { bytes: 0, cursors };
  await runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    sql.exec = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) => {
      for (const value of bindings) {
        if (typeof value === "string") spent.bytes += value.length;
        else if (value instanceof ArrayBuffer) spent.bytes += value.byteLength;
        else spent.bytes += 8;
      }
      const cursor = exec<T>(query, ...bindings);
      spent.cursors.push(cursor);
      return cursor;
    };
  });
  return () =>
    runInDurableObject(env.CHAT_ROOM.getByName(room), () => {
      const rows = spent.cursors.reduce((sum, c) => sum + c.rowsRead + c.rowsWritten, 0);
      const total = spent.bytes + rows;
      spent.bytes = 0;
      spent.cursors.length = 0;
      return total;
    });
}

describe("reactions", () => {
  it("reach a watcher as a small frame per toggle, however many the message already has", async () => {
    const { room, author, id } = await roomWithMessage();
    const { client: watcher } = await join(room, { username: "watcher" });
    const reactors: TestClient[] = [];
    for (let i = 0; i < 15; i++) reactors.push((await join(room, { username: `reactor-${i}` })).client);
    await Promise.all(
      reactors.map(async (client, i) => {
        for (const [e, emoji] of EMOJI.entries()) await react(client, id, emoji, `r-${i}-${e}`);
      }),
    );
    await watcher.sync();
    const before = watcher.received.length;
    await react(author, id, "😀", "the-301st");
    await watcher.sync();
    const frames = watcher.received.slice(before).filter((f) => typeof f === "object" && f.type !== "pong");
    expect(frames).toHaveLength(1);
    expect(JSON.stringify(frames[0]).length).toBeLessThan(200);
    for (const c of [author, watcher, ...reactors]) c.close();
  });

  it("cost the room's storage the same per toggle with 3 or 3,000 reactions on the message", async () => {
    const costPerToggle = async (reactions: number): Promise<number> => {
      const names = Array.from({ length: reactions }, (_, i) => `person-${i}`);
      const map: Reactions = {};
      for (const [i, name] of names.entries()) {
        const emoji = EMOJI[i % EMOJI.length] ?? "👍";
        map[emoji] = [...(map[emoji] ?? []), name];
      }
      const room = await oldRoomWith(map);
      const { client } = await join(room, { username: "toggler" });
      // The first toggles may set things up (tables, caches): only later ones are counted.
      await react(client, 1, "😀", "warm-1");
      await react(client, 1, "😀", "warm-2");
      const spent = await meterStorage(room);
      for (let i = 0; i < 20; i++) await react(client, 1, "😀", `toggle-${i}`);
      const cost = (await spent()) / 20;
      client.close();
      return cost;
    };
    const few = await costPerToggle(3);
    const many = await costPerToggle(3000);
    expect(many).toBeLessThan(few * 1.5);
  });

  it("stay with the person who made them: whoever takes a departed person's name adds their own", async () => {
    const { room, author, id } = await roomWithMessage();
    const { client: first } = await join(room, { username: "alice", session: "session-alice-first" });
    await react(first, id, "👍", "first-alice");
    first.send({ type: "quit", payload: {} });
    await author.waitFor("system", (f) => f.payload.event === "leave" && f.payload.username === "alice");

    const { client: second } = await join(room, { username: "alice", session: "session-alice-second" });
    await react(second, id, "👍", "second-alice");
    const { client: reader } = await join(room, { username: "reader" });
    expect(reactionsIn(replayOf(reader), id)).toEqual({ "👍": ["alice", "alice"] });

    // Toggling again takes back only her own.
    await react(second, id, "👍", "second-alice-again");
    const { client: later } = await join(room, { username: "later" });
    expect(reactionsIn(replayOf(later), id)).toEqual({ "👍": ["alice"] });
    for (const c of [author, second, reader, later]) c.close();
  });

  it("never put anyone's session in a frame, live, replayed, resumed or paged", async () => {
    const { room, author, id, epoch } = await roomWithMessage();
    const sessions = ["secret-alice-0123456789", "secret-bob-0123456789", "secret-carol-0123456789"];
    const clients = await Promise.all(
      ["alice", "bob", "carol"].map(
        async (username, i) => (await join(room, { username, session: sessions[i] ?? "" })).client,
      ),
    );
    for (const [i, client] of clients.entries()) {
      await react(client, id, "👍", `on-${i}`);
      await react(client, id, "🎉", `party-${i}`);
    }
    const [alice, bob] = clients;
    if (!alice || !bob) throw new Error("three people joined");
    await react(alice, id, "👍", "off-0");
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const { client: resumed } = await join(room, { username: "resumer", since: String(id), epoch });
    expect(framesOf(resumed, "messageUpdated")).toHaveLength(1);
    const { client: fresh } = await join(room, { username: "fresh" });
    await react(bob, id, "🎉", "after-waking");
    for (const c of [author, resumed, fresh, ...clients]) await c.sync();

    const seen = [author, resumed, fresh, ...clients].flatMap((c) =>
      c.raw.filter((text) => !text.includes('"type":"welcome"')),
    );
    seen.push(await page(room));
    for (const text of seen) {
      for (const session of [...sessions, "session-author", "name:"]) expect(text).not.toContain(session);
    }
    for (const c of [author, resumed, fresh, ...clients]) c.close();
  });

  it("show as they stand in replays, history pages and a resume, in the v1.2 shape, after the room is evicted", async () => {
    const { room, author, id, epoch } = await roomWithMessage();
    const [alice, bob, carol] = await Promise.all(
      ["alice", "bob", "carol"].map(async (username) => (await join(room, { username })).client),
    );
    if (!alice || !bob || !carol) throw new Error("three people joined");
    await react(alice, id, "🎉", "a1");
    await react(bob, id, "👍", "b1");
    await react(alice, id, "👍", "a2");
    await react(carol, id, "👍", "c1");
    await react(alice, id, "🎉", "a3");
    // 🎉 emptied and came back: it is now used after 👍.
    await react(carol, id, "🎉", "c2");
    const expected = { "👍": ["bob", "alice", "carol"], "🎉": ["carol"] };

    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const { client: resumed } = await join(room, { username: "resumer", since: String(id), epoch });
    // The replay and the changes since come before the join is told, so they are in by now.
    expect(framesOf(resumed, "messageUpdated")[0]?.payload).toEqual({
      id,
      message: "react to this",
      reactions: expected,
    });
    const { client: fresh } = await join(room, { username: "fresh" });
    expect(reactionsIn(replayOf(fresh), id)).toEqual(expected);
    expect(reactionsIn(JSON.parse(await page(room)).messages, id)).toEqual(expected);
    expect(Object.keys(reactionsIn(replayOf(fresh), id) ?? {})).toEqual(["👍", "🎉"]);

    // After waking, a toggle is told from what is stored, and replays follow it.
    await react(bob, id, "👍", "b2");
    const { client: after } = await join(room, { username: "after" });
    expect(reactionsIn(replayOf(after), id)).toEqual({ "👍": ["alice", "carol"], "🎉": ["carol"] });
    // A deleted message keeps none.
    author.send(`/delete ${id}`);
    await author.waitFor("messageUpdated", (f) => f.payload.deleted === true);
    const { client: last } = await join(room, { username: "last" });
    expect(reactionsIn(replayOf(last), id)).toBeUndefined();
    for (const c of [author, alice, bob, carol, resumed, fresh, after, last]) c.close();
  });

  it("of a room from before are kept by name, and a newcomer under such a name adds their own", async () => {
    const room = await oldRoomWith({ "🎉": ["bob"], "👍": ["alice", "bob"] });
    const { client: alice } = await join(room, { username: "alice", session: "session-alice-new" });
    expect(reactionsIn(replayOf(alice), 1)).toEqual({ "🎉": ["bob"], "👍": ["alice", "bob"] });
    expect(Object.keys(reactionsIn(replayOf(alice), 1) ?? {})).toEqual(["🎉", "👍"]);
    expect(chatIn(replayOf(alice), 1)?.message).toBe(OLD_TEXT);
    await react(alice, 1, "👍", "mine");
    const { client: reader } = await join(room, { username: "reader" });
    expect(reactionsIn(replayOf(reader), 1)).toEqual({ "🎉": ["bob"], "👍": ["alice", "bob", "alice"] });
    const stored = await runInDurableObject(
      env.CHAT_ROOM.getByName(room),
      (_, state) => state.storage.sql.exec<{ frame: string }>("SELECT frame FROM history WHERE id = 1").one().frame,
    );
    expect(JSON.parse(stored).payload).toEqual({ id: 1, username: "author", message: OLD_TEXT, ts: 1 });
    alice.close();
    reader.close();
  });
});
