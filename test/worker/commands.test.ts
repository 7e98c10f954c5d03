import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

describe("commands", () => {
  it("users (and /users, /who) lists everyone, oldest first, to the asker only", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    for (const ask of [{ type: "users", payload: {} }, "/users", "/who"]) {
      alice.send(ask);
      const { payload } = await alice.waitFor("users");
      expect(payload.users.map((u) => [u.username, u.operator])).toEqual([
        ["alice", true],
        ["bob", false],
      ]);
      expect(payload.users[0]?.since).toBeLessThanOrEqual(payload.users[1]?.since ?? 0);
    }
    await bob.sync();
    expect(framesOf(bob, "users")).toEqual([]);
    alice.close();
    bob.close();
  });

  it("stats counts what this connection sent", async () => {
    const room = freshRoom();
    const { client: alice, welcome } = await join(room, { username: "alice" });
    alice.send("one");
    alice.send("two");
    alice.send("/stats");
    const { payload } = await alice.waitFor("stats");
    expect(payload).toMatchObject({ username: welcome.username, room, messagesSent: 2, userCount: 1 });
    expect(payload.connectedAt).toBeLessThanOrEqual(Date.now());
    alice.close();
  });

  it("help lists the commands", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.send("/help");
    const usages = (await client.waitFor("help")).payload.commands.map((c) => c.usage);
    for (const command of ["/msg", "/users", "/stats", "/help", "/quit"]) {
      expect(usages.some((u) => u.startsWith(command))).toBe(true);
    }
    client.close();
  });

  it("a ping frame is answered with a pong frame; the text ping with the text pong", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.send({ type: "ping", payload: {} });
    expect(await client.waitFor("pong")).toEqual({ type: "pong", payload: {} });
    client.send("ping");
    await client.waitForText("pong");
    client.close();
  });

  it("quit closes with 1000 and the others see the leave notice", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    bob.send("/quit");
    expect((await bob.closed).code).toBe(1000);
    const notice = await alice.waitFor("system", (f) => f.payload.event === "leave");
    expect(notice.payload).toMatchObject({ username: "bob", text: "bob left" });
    expect(await alice.waitFor("userCount")).toEqual({ type: "userCount", payload: { count: 1 } });
    alice.close();
  });

  it("a client that just disconnects leaves the same way", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    bob.close(1001);
    expect((await alice.waitFor("system", (f) => f.payload.event === "leave")).payload.username).toBe("bob");
    expect((await bob.closed).code).toBe(1001);
    alice.close();
  });
});
