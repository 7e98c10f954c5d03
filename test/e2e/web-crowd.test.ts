import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { parseServerData, type ServerFrame } from "../../src/protocol";
import { appUnderTest, FAST_VARS, freshRoom, joinAs, screenshot } from "./browser";

/**
 * A storm of arrivals into a crowd: the room names only the first 20 of a
 * flush's arrivals in its `presence` frame, and the web app, told it was not
 * given every name, asks for the whole list by itself a few seconds later.
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
  it("lists everyone, though the room named only the first 20 of each flush", async () => {
    const room = freshRoom("storm");
    const alice = await joinAs(app.browser(), app.server().url, room, "alice");
    const seen: ServerFrame[] = [];
    const watcher = await joiner(room, "watcher", seen);
    const crowd = await Promise.all(Array.from({ length: STORM }, (_, i) => joiner(room, `p${i}`)));
    try {
      // Some flush carried more than 20 arrivals, so some names never reached the page in a presence frame.
      await expect
        .poll(() => seen.some((f) => f.type === "presence" && (f.payload.moreJoined ?? 0) > 0), { timeout: 10_000 })
        .toBe(true);
      await expect.poll(() => alice.locator("#user-list .user").count(), { timeout: 20_000 }).toBe(STORM + 2);
      const names = await alice.locator("#user-list .user").allTextContents();
      for (const name of ["p0", `p${STORM - 1}`, "watcher"]) expect(names.some((n) => n.startsWith(name))).toBe(true);
      await screenshot(alice, "web-crowd-storm.png");
    } finally {
      for (const ws of [watcher, ...crowd]) ws.close();
      await alice.context().close();
    }
  });
});
