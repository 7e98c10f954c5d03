import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { parseServerData, type ServerFrame } from "../../src/protocol";
import { appUnderTest, FAST_VARS, freshRoom, returningVisitor, screenshot, waitConnected } from "./browser";

/**
 * A storm of arrivals into a crowd: the room names only the first 20 of a
 * flush's arrivals in its `presence` frame. The web app asks for the whole
 * list once per connection, on its welcome, and never again because of such
 * a frame (thousands of people asking at once would cost the room the whole
 * list each): it shows the names it has and says how many more are here.
 */
const app = appUnderTest({ ...FAST_VARS, CROWD_SIZE: "3", JOIN_RATE_PER_MINUTE: "100000" });
const STORM = 150;

/** A raw socket that joins as `name` and keeps every frame it is sent. */
function joiner(room: string, name: string, frames: ServerFrame[] = []): Promise<WebSocket> {
  const url = `${app.server().url.replace("http", "ws")}/chat/${room}?username=${name}&session=${name}-session-0000`;
  const ws = new WebSocket(url, { perMessageDeflate: { threshold: 0 } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} had no history within 30 s`)), 30_000);
    ws.once("error", reject);
    ws.on("message", (data) => {
      const got = parseServerData(String(data));
      frames.push(...got);
      if (got.some((f) => f.type === "history")) {
        clearTimeout(timer);
        resolve(ws);
      }
    });
  });
}

describe("the web app's people list after a storm of arrivals", () => {
  it("asks once per connection, shows whom it was told of and how many more are here, and counts the rest on the next connection", async () => {
    const room = freshRoom("storm");
    const context = await app.browser().newContext({ viewport: { width: 1100, height: 720 } });
    await returningVisitor(context, "alice");
    const alice = await context.newPage();
    // Per connection of the page to the room, how many `users` requests it sent.
    const asked: number[] = [];
    const limits: unknown[] = [];
    alice.on("websocket", (ws) => {
      if (!ws.url().includes(`/chat/${room}`)) return;
      const connection = asked.push(0) - 1;
      ws.on("framesent", ({ payload }) => {
        if (typeof payload !== "string" || !payload.includes('"type":"users"')) return;
        asked[connection] = (asked[connection] ?? 0) + 1;
        limits.push(JSON.parse(payload).payload.limit);
      });
    });
    await alice.goto(`${app.server().url}/r/${room}`);
    await waitConnected(alice);
    const seen: ServerFrame[] = [];
    const watcher = await joiner(room, "watcher", seen);
    const crowd = await Promise.all(Array.from({ length: STORM }, (_, i) => joiner(room, `p${i}`)));
    const note = alice.locator("#users-note");
    try {
      // Some flush carried more than 20 arrivals, so some names never reached the page in a presence frame.
      await expect
        .poll(() => seen.some((f) => f.type === "presence" && (f.payload.moreJoined ?? 0) > 0), { timeout: 10_000 })
        .toBe(true);
      await expect.poll(() => alice.locator("#count").textContent(), { timeout: 20_000 }).toBe(String(STORM + 2));
      const listed = await alice.locator("#user-list .user").count();
      expect(listed).toBeLessThan(STORM + 2);
      expect(await note.textContent()).toBe(`${STORM + 2 - listed} more here, not listed`);
      await screenshot(alice, "web-crowd-storm.png");
      // The app once asked again 3 to 10 s after such a frame; now the list stays as it is.
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      expect(asked).toEqual([1]);
      expect(await alice.locator("#user-list .user").count()).toBe(listed);

      // A new connection (here a reload) asks once, for the longest-connected 100, and counts the rest.
      await alice.reload();
      await waitConnected(alice);
      await expect.poll(() => alice.locator("#user-list .user").count(), { timeout: 20_000 }).toBe(100);
      expect(await note.textContent()).toBe(`${STORM + 2 - 100} more here, not listed`);
      const names = await alice.locator("#user-list .user").allTextContents();
      for (const name of ["alice", "watcher", "p0"]) expect(names.some((n) => n.startsWith(name))).toBe(true);
      expect(asked).toEqual([1, 1]);
      expect(limits).toEqual([100, 100]);
    } finally {
      for (const ws of [watcher, ...crowd]) ws.close();
      await context.close();
    }
  });
});
