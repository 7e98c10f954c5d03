import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { leaveOf, person as personAt, quietly } from "./quiet-room";

/**
 * Presence across real hibernation, black-box: under `wrangler dev` a room
 * whose sockets send only the `ping` heartbeat (answered by the runtime)
 * hibernates after 10-15 s. A person who then leaves, by closing the tab or
 * by losing the network, must still be seen to leave.
 */
const GRACE_S = 3;

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ vars: { RECONNECT_GRACE_SECONDS: String(GRACE_S) } });
}, 120_000);
afterAll(() => server?.stop());

const person = (room: string, username: string) => personAt(server.url, room, username);

describe("presence across real hibernation", () => {
  it.each([
    ["closes the tab", (ws: WebSocket) => ws.close(1001, "tab closed")],
    ["loses the network", (ws: WebSocket) => ws.terminate()],
  ])(
    "someone who %s in a hibernated room is seen to leave after the grace",
    async (_, go) => {
      const room = `sleep-${Math.random().toString(36).slice(2, 10)}`;
      const alice = await person(room, "alice");
      const bob = await person(room, "bob");
      await quietly([alice, bob]);
      const before = bob.frames.length;
      const gone = Date.now();
      go(alice.ws);
      await bob.until(leaveOf("alice"), GRACE_S * 1000 + 15_000);
      expect(Date.now() - gone).toBeGreaterThanOrEqual(GRACE_S * 1000 - 200);
      const after = bob.frames.slice(before);
      expect(after.filter((f) => f.type === "userCount").at(-1)).toEqual({ type: "userCount", payload: { count: 1 } });
      // bob now runs the room: alice was its operator.
      expect(
        after.some((f) => f.type === "system" && f.payload.event === "operator" && f.payload.username === "bob"),
      ).toBe(true);
      bob.ws.close();
    },
    90_000,
  );

  it("someone back within the grace after hibernation makes no notice", async () => {
    const room = `sleep-${Math.random().toString(36).slice(2, 10)}`;
    const alice = await person(room, "alice");
    const bob = await person(room, "bob");
    await quietly([alice, bob]);
    const before = bob.frames.length;
    alice.ws.terminate();
    const back = await person(room, "alice");
    await new Promise((r) => setTimeout(r, GRACE_S * 1000 + 2000));
    bob.ws.send("/users");
    const users = await bob.until((f) => f.type === "users", 5000);
    expect(users.type === "users" && users.payload.users.map((u) => [u.username, u.away ?? false])).toEqual([
      ["alice", false],
      ["bob", false],
    ]);
    expect(bob.frames.slice(before).filter((f) => f.type === "system")).toEqual([]);
    back.ws.close();
    bob.ws.close();
  }, 90_000);
});
