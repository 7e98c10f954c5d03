import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

// The replay is served from in-memory rings of the newest entries, loaded
// from SQLite on first use after the object wakes.

const texts = (client: Awaited<ReturnType<typeof join>>["client"]) =>
  (framesOf(client, "history")[0]?.payload.messages ?? []).map((f) =>
    f.type === "chatMessage" ? f.payload.message : f.type === "system" ? f.payload.text : f.type,
  );

describe("the replay after waking", () => {
  // The first entries written after waking go into a ring that is loaded from
  // SQLite at that moment: each must be replayed once, not twice.
  it("replays the first message and the first notice after waking once each", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    alice.send("first after sleep");
    await alice.waitFor("chatMessage");
    const { client: bob } = await join(room, { username: "bob" });
    expect(texts(bob)).toEqual(["alice joined", "first after sleep"]);
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    // A notice first this time: bob goes, carol comes.
    bob.send("/quit");
    await bob.closed;
    const { client: carol } = await join(room, { username: "carol" });
    expect(texts(carol)).toEqual(["alice joined", "first after sleep", "bob joined", "bob left"]);
    for (const c of [alice, carol]) c.close();
  });
});
