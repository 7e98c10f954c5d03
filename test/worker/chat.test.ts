import { describe, expect, it } from "vitest";
import { freshRoom, join } from "./client";

describe("chat messages", () => {
  it("broadcasts a JSON chatMessage to everyone, sender included, with id and time", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    const before = Date.now();
    alice.send({ type: "chatMessage", payload: { message: "hi bob" } });
    const seenByBob = await bob.waitFor("chatMessage");
    const seenByAlice = await alice.waitFor("chatMessage");
    expect(seenByBob).toEqual(seenByAlice);
    expect(seenByBob.payload).toMatchObject({ username: "alice", message: "hi bob" });
    expect(seenByBob.payload.ts).toBeGreaterThanOrEqual(before - 1000);
    expect(Number.isInteger(seenByBob.payload.id)).toBe(true);
    alice.close();
    bob.close();
  });

  it("stamps the sender's own name: a spoofed username is ignored", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send({ type: "chatMessage", payload: { message: "I am bob", username: "bob" } });
    expect((await bob.waitFor("chatMessage")).payload.username).toBe("alice");
    alice.close();
    bob.close();
  });

  it("treats a plain typed line as a chat message, as wscat sends it", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("hello from a terminal\n");
    expect((await alice.waitFor("chatMessage")).payload.message).toBe("hello from a terminal");
    alice.send("//not a command");
    expect((await alice.waitFor("chatMessage")).payload.message).toBe("/not a command");
    alice.close();
  });

  it("gives messages increasing ids", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    for (const text of ["one", "two", "three"]) alice.send(text);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await alice.waitFor("chatMessage")).payload.id);
    expect(ids[1]).toBeGreaterThan(ids[0] ?? Infinity);
    expect(ids[2]).toBeGreaterThan(ids[1] ?? Infinity);
    alice.close();
  });

  it("strips terminal control characters from messages but keeps newlines", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send({ type: "chatMessage", payload: { message: "red\u001b[31m alert\nline two" } });
    expect((await alice.waitFor("chatMessage")).payload.message).toBe("red[31m alert\nline two");
    alice.close();
  });
});
