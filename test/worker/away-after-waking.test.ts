import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { captureLogs, freshRoom, join, loggedNames } from "./client";

describe("the log, when a socket closes while its room sleeps", () => {
  it("says the person went away, as it does for a drop in a room awake", async () => {
    const lines = captureLogs();
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    // Bob's close is what wakes the room: the rebuild finds his socket closing.
    bob.close();
    const awayFor = () => loggedNames(lines, room, "away");
    await vi.waitFor(() => expect(awayFor()).toEqual(["bob"]), { timeout: 5000, interval: 20 });
    // And he still leaves after the grace, with the count following.
    const leave = await alice.waitFor("system", (f) => f.payload.event === "leave", 5000);
    expect(leave.payload.username).toBe("bob");
    expect(awayFor()).toEqual(["bob"]);
    alice.close();
  });
});
