import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { parseServerData, type ServerFrame } from "../../src/protocol";
import { type DevServer, startDevServer } from "../../tools/dev-server";

/**
 * Presence across real hibernation, black-box: under `wrangler dev` a room
 * whose sockets send only the `ping` heartbeat (answered by the runtime)
 * hibernates after 10-15 s. A person who then leaves, by closing the tab or
 * by losing the network, must still be seen to leave.
 */
const GRACE_S = 3;
const QUIET_MS = 20_000;

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ vars: { RECONNECT_GRACE_SECONDS: String(GRACE_S) } });
}, 120_000);
afterAll(() => server?.stop());

interface Person {
  ws: WebSocket;
  frames: ServerFrame[];
  until(check: (f: ServerFrame) => boolean, timeoutMs: number): Promise<ServerFrame>;
}

function person(room: string, username: string): Promise<Person> {
  const ws = new WebSocket(
    `${server.url.replace("http", "ws")}/chat/${room}?username=${username}&session=${username}-session`,
    {
      perMessageDeflate: { threshold: 0 },
    },
  );
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    frames.push(...parseServerData(String(data)));
    for (const wake of waiters) wake();
  });
  const until = (check: (f: ServerFrame) => boolean, timeoutMs: number) =>
    new Promise<ServerFrame>((resolve, reject) => {
      const look = () => {
        const found = frames.find(check);
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`timed out; last frames: ${JSON.stringify(frames.slice(-3))}`));
      }, timeoutMs);
      waiters.add(look);
      look();
    });
  return new Promise((resolve, reject) => {
    ws.once("error", reject);
    ws.once("open", async () => {
      await until((f) => f.type === "history", 10_000);
      resolve({ ws, frames, until });
    });
  });
}

/** Heartbeats only, as an idle open tab sends, for long enough that the room hibernates. */
async function quietly(people: Person[]): Promise<void> {
  const beat = setInterval(() => {
    for (const p of people) if (p.ws.readyState === WebSocket.OPEN) p.ws.send("ping");
  }, 5000);
  await new Promise((r) => setTimeout(r, QUIET_MS));
  clearInterval(beat);
}

const leaveOf = (name: string) => (f: ServerFrame) =>
  f.type === "system" && f.payload.event === "leave" && f.payload.username === name;

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
