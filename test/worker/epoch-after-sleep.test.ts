import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

// The epoch is picked without writing while the room's rules run, and stored
// with the first thing the room records: the first join's notice.

describe("the epoch after the room sleeps", () => {
  it("is the one told at the first join, so a resume across the sleep is not reset", async () => {
    const room = freshRoom();
    const { client: alice, welcome } = await join(room, { username: "alice" });
    alice.send("before the sleep");
    const said = await alice.waitFor("chatMessage");
    alice.close();
    await evictDurableObject(env.CHAT_ROOM.getByName(room));

    const { client: back, welcome: again } = await join(room, {
      username: "reader",
      since: String(said.payload.id),
      epoch: welcome.epoch,
    });
    expect(again.epoch).toBe(welcome.epoch);
    expect(framesOf(back, "history")[0]?.payload.reset).toBeUndefined();
    back.close();
  });
});
