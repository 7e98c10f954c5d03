import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join, type TestClient } from "../worker/client";

const chat = (message: string, clientId: string) => ({ type: "chatMessage", payload: { message, clientId } });

async function shardsOf(room: string): Promise<number> {
  const res = await exports.default.fetch(`http://hallway.test/api/rooms/${room}`);
  const info: { shards: number; userCount: number } = await res.json();
  return info.shards;
}

/** Chat message texts a client has seen live, in order. */
function said(client: TestClient): string[] {
  return framesOf(client, "chatMessage").map((f) => f.payload.message);
}

describe("a room spread over fan-out shards", () => {
  it("grows to several shards as people come, and everyone sees every message once, in one order", async () => {
    const room = freshRoom();
    expect(await shardsOf(room)).toBe(1);
    const people: TestClient[] = [];
    for (let i = 0; i < 7; i++) people.push((await join(room, { username: `p${i}` })).client);
    expect(await shardsOf(room)).toBe(4);
    for (const [i, person] of people.entries()) person.send(chat(`hello from p${i}`, `c${i}`));
    for (const person of people) await person.waitFor("ack");
    for (const person of people) {
      await person.sync();
      while (said(person).length < 7) await person.waitFor("chatMessage");
    }
    const order = said(people[0] as TestClient);
    expect(new Set(order).size).toBe(7);
    for (const person of people) expect(said(person)).toEqual(order);
    for (const person of people) person.close();
  });
});
