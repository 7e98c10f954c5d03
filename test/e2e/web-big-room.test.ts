import { describe, expect, it } from "vitest";
import { appUnderTest, FAST_VARS, freshRoom, joinAs, messageTexts, say, screenshot, seeLine } from "./browser";

/**
 * The web app in a room spread over fan-out shards, under `wrangler dev`:
 * with `SHARD_THRESHOLD` at 1, every person after the first may be held by
 * another object. Nothing about it shows: people chat, see each other, and
 * a reload comes back where it was.
 */
const app = appUnderTest({ ...FAST_VARS, SHARD_THRESHOLD: "1", JOIN_RATE_PER_MINUTE: "100000" });

async function shardsOf(room: string): Promise<number> {
  const res = await fetch(`${app.server().url}/api/rooms/${room}`);
  const info: { shards: number } = await res.json();
  return info.shards;
}

describe("the web app in a room over several objects", () => {
  it("lets four people chat as in any room, and a reload misses nothing", async () => {
    const room = freshRoom("big");
    const names = ["alice", "bob", "carol", "dave"];
    const pages = [];
    for (const name of names) pages.push(await joinAs(app.browser(), app.server().url, room, name));
    expect(await shardsOf(room)).toBe(4);
    for (const [i, page] of pages.entries()) await say(page, `hello from ${names[i]}`);
    for (const page of pages) for (const name of names) await seeLine(page, `hello from ${name}`);
    const order = await messageTexts(pages[0] ?? (await Promise.reject(new Error("no page"))));
    for (const page of pages) expect(await messageTexts(page)).toEqual(order);
    // Everyone is listed for everyone, wherever their socket is.
    for (const page of pages) {
      for (const name of names) await page.locator("#users li", { hasText: name }).first().waitFor();
    }
    const [alice, bob] = pages;
    if (!alice || !bob) throw new Error("no pages");
    await bob.reload();
    await say(alice, "said while bob reloaded");
    await seeLine(bob, "said while bob reloaded");
    expect((await messageTexts(bob)).filter((t) => t === "said while bob reloaded")).toHaveLength(1);
    await screenshot(bob, "big-room.png");
    for (const page of pages) await page.context().close();
  });
});
