import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { framesOf, freshRoom, join } from "./client";

/**
 * The room writes a `users` reply at its next flush, once for everyone who
 * asked since the last; each asker still reads it where it asked, among its
 * own frames.
 */
describe("the people list", () => {
  it("comes back in the order it was asked for, before what the asker sent next", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await alice.sync();
    const from = alice.received.length;
    alice.send({ type: "users", payload: {} });
    alice.send("/stats");
    alice.send({ type: "chatMessage", payload: { message: "after the list", clientId: "a-1" } });
    await alice.waitFor("ack");
    const types = alice.received.slice(from).flatMap((f) => (typeof f === "object" ? [f.type] : []));
    expect(types).toEqual(["users", "stats", "chatMessage", "ack"]);
    alice.close();
    bob.close();
  });

  it("gives everyone who asks at once the same list, naming everyone here", async () => {
    const room = freshRoom();
    const people = [];
    for (let i = 0; i < 12; i++) people.push((await join(room, { username: `p${i}` })).client);
    for (const person of people) person.send({ type: "users", payload: {} });
    const lists: ServerFrame[] = await Promise.all(people.map((p) => p.waitFor("users")));
    for (const list of lists) expect(list).toEqual(lists[0]);
    const first = lists[0];
    expect(first?.type === "users" && first.payload.users.map((u) => u.username)).toEqual(
      Array.from({ length: 12 }, (_, i) => `p${i}`),
    );
    for (const person of people) expect(framesOf(person, "users")).toHaveLength(1);
    for (const person of people) person.close();
  });
  it("lists only the longest-connected people a limit asks for, and counts the rest", async () => {
    const room = freshRoom();
    const people = [];
    for (let i = 0; i < 5; i++) people.push((await join(room, { username: `p${i}` })).client);
    const [first] = people;
    first?.send({ type: "users", payload: { limit: 2 } });
    const reply = await first?.waitFor("users");
    expect(reply?.payload.users.map((u) => u.username)).toEqual(["p0", "p1"]);
    expect(reply?.payload.more).toBe(3);
    for (const person of people) person.close();
  });
});
