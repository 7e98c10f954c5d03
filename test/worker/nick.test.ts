import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshRoom, join } from "./client";

describe("/nick in a real room", () => {
  it("is kept across the room sleeping, and a returning tab comes back under the new name", async () => {
    const room = freshRoom();
    const { client: alice, welcome } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("/nick alicia");
    expect((await alice.waitFor("renamed")).payload.username).toBe("alicia");
    const told = await bob.waitFor("system", (f) => f.payload.event === "nick");
    expect(told.payload).toMatchObject({ username: "alicia", from: "alice", text: "alice is now alicia" });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    bob.send("/users");
    expect((await bob.waitFor("users")).payload.users.map((u) => u.username)).toEqual(["alicia", "bob"]);
    // Another tab of hers, asking for her old name, is her under the new one.
    const { client: tab, welcome: again } = await join(room, { username: "alice", session: welcome.session });
    expect(again.username).toBe("alicia");
    // And the name she left is free for someone else.
    const { welcome: other, client: newcomer } = await join(room, { username: "alice" });
    expect(other.username).toBe("alice");
    for (const c of [alice, bob, tab, newcomer]) c.close();
  });
});
