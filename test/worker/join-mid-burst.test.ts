import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

// The outbox's rule for someone arriving mid-batch: what was queued before
// they joined is in their replay, what comes after reaches them live, and
// nothing is in both or in neither.

describe("joining in the middle of a burst", () => {
  it("gives each joiner every message from its replay on exactly once, in id order, with no hole", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const total = 300;
    const joiners = [];
    for (let i = 0; i < total; i++) {
      alice.send(`m${i}`);
      // Joins land among the sends, while broadcasts are waiting to be coalesced.
      if (i % 60 === 30) joiners.push(join(room, { username: `j${i}` }));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 3));
    }
    const people = await Promise.all(joiners);
    await alice.waitFor("chatMessage", (f) => f.payload.message === `m${total - 1}`, 10_000);
    const all = framesOf(alice, "chatMessage").map((f) => f.payload.id);
    for (const { client } of people) {
      await client.waitFor("chatMessage", (f) => f.payload.message === `m${total - 1}`, 10_000);
      const replayed = (framesOf(client, "history")[0]?.payload.messages ?? []).flatMap((f) =>
        f.type === "chatMessage" ? [f.payload.id] : [],
      );
      const got = [...replayed, ...framesOf(client, "chatMessage").map((f) => f.payload.id)];
      const from = all.indexOf(got[0] ?? -1);
      expect(from).toBeGreaterThanOrEqual(0);
      expect(got).toEqual(all.slice(from));
    }
    // The joins did land mid-burst, in a busy room: each got part of it replayed and part live, in batches.
    for (const { client } of people) {
      expect(framesOf(client, "history")[0]?.payload.messages.length).toBeGreaterThan(1);
      expect(framesOf(client, "chatMessage").length).toBeGreaterThan(0);
    }
    expect(alice.raw.some((r) => r.startsWith("["))).toBe(true);
    for (const c of [alice, ...people.map((p) => p.client)]) c.close();
  });
});
