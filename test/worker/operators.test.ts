import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "./client";

describe("operators", () => {
  it("the first joiner runs the room; when they leave the longest-connected remaining user takes over", async () => {
    const room = freshRoom();
    const { client: alice, welcome } = await join(room, { username: "alice" });
    expect(welcome.operator).toBe(true);
    const { client: bob } = await join(room, { username: "bob" });
    const { client: carol } = await join(room, { username: "carol" });
    alice.close();
    const handover = await carol.waitFor("system", (f) => f.payload.event === "operator");
    expect(handover.payload.username).toBe("bob");
    carol.send("/users");
    expect((await carol.waitFor("users")).payload.users).toMatchObject([
      { username: "bob", operator: true },
      { username: "carol", operator: false },
    ]);
    bob.send("/kick carol");
    expect((await carol.closed).code).toBe(4003);
    bob.close();
  });

  it("kick closes the user with 4003 and tells the room", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    const { client: carol } = await join(room, { username: "carol" });
    alice.send({ type: "kick", payload: { username: "Bob" } });
    expect((await bob.closed).code).toBe(4003);
    const notice = await carol.waitFor("system", (f) => f.payload.event === "kick");
    expect(notice.payload).toMatchObject({ username: "bob", text: "bob was kicked by alice" });
    expect(await carol.waitFor("userCount")).toEqual({ type: "userCount", payload: { count: 2 } });
    // A kick is not a ban: bob can come back.
    const { client: back } = await join(room, { username: "bob" });
    for (const c of [alice, carol, back]) c.close();
  });

  it("only the operator may kick, ban or unban", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    for (const line of ["/kick alice", "/ban alice", "/unban alice"]) {
      bob.send(line);
      expect((await bob.waitFor("error")).payload.code).toBe("not_operator");
    }
    alice.send("/kick nobody");
    expect((await alice.waitFor("error")).payload.code).toBe("no_such_user");
    alice.send("/kick alice");
    expect((await alice.waitFor("error")).payload.code).toBe("bad_message");
    alice.close();
    bob.close();
  });

  it("ban closes with 4008, keeps the name and the session out, survives eviction, and unban lifts it", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice", session: "alice-session" });
    const { client: bob } = await join(room, { username: "bob", session: "bob-session-1" });
    alice.send("/ban bob");
    expect((await bob.waitFor("error")).payload).toEqual({
      code: "banned",
      message: "you are banned from this room for good",
    });
    expect((await bob.closed).code).toBe(4008);
    expect((await alice.waitFor("system", (f) => f.payload.event === "ban")).payload.text).toBe(
      "bob was banned by alice for good",
    );

    await evictDurableObject(env.CHAT_ROOM.getByName(room));

    const sameName = await connect(room, { username: "BOB" });
    expect((await sameName.waitFor("error")).payload).toMatchObject({
      code: "banned",
      message: "you are banned from this room for good",
    });
    expect((await sameName.closed).code).toBe(4008);
    const sameSession = await connect(room, { username: "robert", session: "bob-session-1" });
    expect((await sameSession.waitFor("error")).payload.code).toBe("banned");

    alice.send("/unban bob");
    expect((await alice.waitFor("system", (f) => f.payload.event === "info")).payload.text).toBe("bob may join again");
    const { client: back } = await join(room, { username: "bob", session: "bob-session-1" });
    alice.send("/unban bob");
    expect((await alice.waitFor("error")).payload.code).toBe("not_banned");
    alice.close();
    back.close();
  });

  it("can ban a name that is not in the room", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send({ type: "ban", payload: { username: "spammer" } });
    expect((await alice.waitFor("system", (f) => f.payload.event === "info")).payload.text).toMatch(/banned/);
    const spammer = await connect(room, { username: "Spammer" });
    expect((await spammer.closed).code).toBe(4008);
    alice.close();
  });

  it("help lists the operator commands", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.send("/help");
    const usages = (await client.waitFor("help")).payload.commands.map((c) => c.usage);
    expect(usages).toEqual(expect.arrayContaining(["/kick <user>", "/ban <user> [minutes]", "/unban <user>", "/bans"]));
    client.close();
  });
});
