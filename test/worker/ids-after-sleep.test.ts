import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

// Ids are shared by chat, notices and DMs, and clients keep one set of the ids
// they have seen (the web app drops a frame whose id it already has, and
// resumes with `since`). So an id handed out twice loses whatever comes second.

const dm = (to: string, message: string, clientId: string) => ({ type: "dm", payload: { to, message, clientId } });
const chat = (message: string, clientId: string) => ({ type: "chatMessage", payload: { message, clientId } });

describe("ids after the room sleeps", () => {
  // A DM that is the room's newest entry lives only in the DM table: its id must
  // still count after waking, or it would be handed out again.
  it("never hands a DM's id out again after eviction", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send(dm("bob", "just for you", "d-1"));
    const dmAck = await alice.waitFor("ack", (f) => f.payload.clientId === "d-1");

    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    alice.send(chat("for everyone", "c-1"));
    const chatAck = await alice.waitFor("ack", (f) => f.payload.clientId === "c-1");
    expect(chatAck.payload.id).toBeGreaterThan(dmAck.payload.id);
    alice.close();
    bob.close();
  });

  // The same bug, worse: the next DM's id collides with the stored one in the
  // dms table's primary key, the insert throws, and the sender gets neither the
  // DM, nor an ack, nor an error; a client that sends one message at a time stalls.
  it("delivers and acks a DM sent after eviction when a DM was the newest entry", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send(dm("bob", "first", "d-1"));
    await alice.waitFor("ack", (f) => f.payload.clientId === "d-1");

    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    alice.send(dm("bob", "second", "d-2"));
    const answer = await alice.waitFor("ack", (f) => f.payload.clientId === "d-2", 1500);
    expect(answer.payload.duplicate).toBeUndefined();
    await bob.waitFor("dm", (f) => f.payload.message === "second");
    alice.close();
    bob.close();
  });

  it("keeps ids growing across eviction when the newest id was a private notice", async () => {
    // An unban or an absent-name ban answers the operator with an id that no
    // history row holds; meta.last_id must carry it across eviction.
    const room = freshRoom();
    const { client: op } = await join(room, { username: "op" });
    op.send("/ban ghost");
    const info = await op.waitFor("system", (f) => f.payload.event === "info");
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    op.send(chat("after", "c-1"));
    const ack = await op.waitFor("ack");
    expect(ack.payload.id).toBe(info.payload.id + 1);
    expect(framesOf(op, "chatMessage").map((f) => f.payload.id)).toEqual([info.payload.id + 1]);
    op.close();
  });
});
