import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { leaveOf, type Person, person as personAt, quietly } from "./quiet-room";

/**
 * A room spread over fan-out shards across real hibernation, black-box:
 * under `wrangler dev`, with `SHARD_THRESHOLD` at 1, a room of four has its
 * sockets on several objects, and with only heartbeats they all hibernate
 * (or, holding no socket, are evicted) after 10-15 s. Afterwards a message
 * still reaches everyone once, nobody is asked to reconnect, and someone who
 * leaves is seen to leave after the grace.
 */
const GRACE_S = 3;

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ vars: { RECONNECT_GRACE_SECONDS: String(GRACE_S), SHARD_THRESHOLD: "1" } });
}, 120_000);
afterAll(() => server?.stop());

const person = (room: string, username: string) => personAt(server.url, room, username);

describe("a room over several objects across real hibernation", () => {
  it("delivers once to everyone after every object slept, and sees a leaver go after the grace", async () => {
    const room = `sleep-shards-${Math.random().toString(36).slice(2, 10)}`;
    const names = ["alice", "bob", "carol", "dave"];
    const people: Person[] = [];
    for (const name of names) people.push(await person(room, name));
    const info: { shards: number } = await (await fetch(`${server.url}/api/rooms/${room}`)).json();
    expect(info.shards).toBe(4);
    await quietly(people);
    const [alice, bob, carol, dave] = people;
    if (!alice || !bob || !carol || !dave) throw new Error("not everyone came");
    dave.ws.send(JSON.stringify({ type: "chatMessage", payload: { message: "after the sleep", clientId: "sleep-1" } }));
    for (const p of people) {
      await p.until((f) => f.type === "chatMessage" && f.payload.message === "after the sleep", 10_000);
    }
    await dave.until((f) => f.type === "ack", 5000);
    for (const p of people) {
      const copies = p.frames.filter((f) => f.type === "chatMessage" && f.payload.message === "after the sleep");
      expect(copies).toHaveLength(1);
      expect(p.frames.filter((f) => f.type === "welcome")).toHaveLength(1);
    }
    const gone = Date.now();
    // bob's socket is on a shard (as the room places "bob-session" among four), and goes without a word.
    bob.ws.terminate();
    await carol.until(leaveOf("bob"), GRACE_S * 1000 + 15_000);
    expect(Date.now() - gone).toBeGreaterThanOrEqual(GRACE_S * 1000 - 200);
    await alice.until((f) => f.type === "userCount" && f.payload.count === 3, 5000);
    for (const p of [alice, carol, dave]) p.ws.close();
  }, 120_000);
});
