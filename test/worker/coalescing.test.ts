import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

describe("coalescing broadcasts", () => {
  it("sends a quiet room's message as one plain frame, at once", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("just one");
    await bob.waitFor("chatMessage");
    expect(bob.raw.at(-1)?.startsWith("{")).toBe(true);
    alice.close();
    bob.close();
  });

  it("groups a burst into JSON arrays, losing and reordering nothing", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    for (let i = 1; i <= 300; i++) alice.send(`burst ${i}`);
    await bob.waitFor("chatMessage", (f) => f.payload.message === "burst 300", 10_000);
    const messages = framesOf(bob, "chatMessage").map((f) => f.payload.message);
    expect(messages).toEqual(Array.from({ length: 300 }, (_, i) => `burst ${i + 1}`));
    const arrays = bob.raw.filter((r) => r.startsWith("["));
    expect(arrays.length).toBeGreaterThan(0);
    // Far fewer frames than messages reached bob.
    expect(bob.raw.length).toBeLessThan(300);
    alice.close();
    bob.close();
  });

  it("keeps the user count right through a burst of joins", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const joiners = await Promise.all(Array.from({ length: 20 }, (_, i) => join(room, { username: `j${i}` })));
    await alice.sync();
    const counts = framesOf(alice, "userCount").map((f) => f.payload.count);
    expect(counts.at(-1)).toBe(21);
    // Counts only grow, whatever was merged away.
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    for (const { client } of joiners) client.close();
    alice.close();
  });
});
