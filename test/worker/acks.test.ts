import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connect, framesOf, freshRoom, join } from "./client";

const chat = (message: string, clientId?: string) => ({
  type: "chatMessage",
  payload: clientId === undefined ? { message } : { message, clientId },
});

describe("acknowledged, idempotent sends", () => {
  it("acks a chatMessage after the sender's own copy, with the message's id", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send(chat("hello", "c-1"));
    const ack = await alice.waitFor("ack");
    const own = framesOf(alice, "chatMessage");
    expect(own.map((f) => f.payload.message)).toEqual(["hello"]);
    expect(alice.received.indexOf(own[0] ?? "")).toBeLessThan(alice.received.indexOf(ack));
    expect(ack.payload).toEqual({ clientId: "c-1", id: own[0]?.payload.id, ts: own[0]?.payload.ts });
    // Only the sender is acked.
    await bob.waitFor("chatMessage");
    await bob.sync();
    expect(framesOf(bob, "ack")).toEqual([]);
    alice.close();
    bob.close();
  });

  it("delivers a resend once, and answers it with the original id, even after eviction", async () => {
    const room = freshRoom();
    const session = "session-resender";
    const { client: alice } = await join(room, { username: "alice", session });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send(chat("only once", "resend-me"));
    const first = await alice.waitFor("ack");

    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    alice.send(chat("only once", "resend-me"));
    const again = await alice.waitFor("ack");
    expect(again.payload).toEqual({ ...first.payload, duplicate: true });

    // From another connection of the same session (a reconnect), too.
    const { client: back } = await join(room, { username: "alice", session });
    back.send(chat("only once", "resend-me"));
    expect((await back.waitFor("ack")).payload).toEqual({ ...first.payload, duplicate: true });

    await bob.sync();
    expect(framesOf(bob, "chatMessage").filter((f) => f.payload.message === "only once")).toHaveLength(1);
    const { client: late } = await join(room, { username: "late" });
    const replay = framesOf(late, "history")[0]?.payload.messages ?? [];
    expect(replay.filter((f) => f.type === "chatMessage" && f.payload.message === "only once")).toHaveLength(1);
    for (const c of [alice, bob, back, late]) c.close();
  });

  it("keeps clientIds apart per session: another person may use the same one", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send(chat("from alice", "same"));
    const a = await alice.waitFor("ack");
    bob.send(chat("from bob", "same"));
    const b = await bob.waitFor("ack");
    expect(b.payload.duplicate).toBeUndefined();
    expect(b.payload.id).toBeGreaterThan(a.payload.id);
    alice.close();
    bob.close();
  });

  it("acks a DM after the sender's echo, and does not deliver a resent DM twice", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send({ type: "dm", payload: { to: "bob", message: "psst", clientId: "dm-1" } });
    const ack = await alice.waitFor("ack");
    const echo = framesOf(alice, "dm")[0];
    expect(echo?.payload.id).toBe(ack.payload.id);
    expect(alice.received.indexOf(echo ?? "")).toBeLessThan(alice.received.indexOf(ack));
    alice.send({ type: "dm", payload: { to: "bob", message: "psst", clientId: "dm-1" } });
    expect((await alice.waitFor("ack")).payload.duplicate).toBe(true);
    await bob.sync();
    expect(framesOf(bob, "dm")).toHaveLength(1);
    alice.close();
    bob.close();
  });

  it("puts the clientId on every error a frame with one caused", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send({ type: "dm", payload: { to: "nobody", message: "hi", clientId: "dm-x" } });
    expect((await alice.waitFor("error")).payload).toMatchObject({ code: "no_such_user", clientId: "dm-x" });
    alice.send(chat("x".repeat(2001), "too-long"));
    expect((await alice.waitFor("error")).payload).toMatchObject({ code: "too_long", clientId: "too-long" });
    alice.send(chat("   ", "blank"));
    expect((await alice.waitFor("error")).payload).toMatchObject({ code: "bad_message", clientId: "blank" });
    alice.send({ type: "chatMessage", payload: { message: 5, clientId: "not-text" } });
    expect((await alice.waitFor("error")).payload).toMatchObject({ code: "bad_message", clientId: "not-text" });
    alice.close();
  });

  it("refuses a malformed clientId with bad_message and delivers nothing", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    for (const clientId of ["", "x".repeat(65), "has space", "ünicode", 42]) {
      alice.send({ type: "chatMessage", payload: { message: "hi", clientId } });
      const error = await alice.waitFor("error");
      expect(error.payload.code).toBe("bad_message");
      expect(error.payload.clientId).toBeUndefined();
    }
    await alice.sync();
    expect(framesOf(alice, "chatMessage")).toEqual([]);
    alice.close();
  });

  it("still serves a v1 client that sends no clientId: no ack", async () => {
    const room = freshRoom();
    const client = await connect(room, { username: "old" });
    await client.waitFor("userCount");
    client.send(chat("plain"));
    await client.waitFor("chatMessage");
    await client.sync();
    expect(framesOf(client, "ack")).toEqual([]);
    client.close();
  });
});
