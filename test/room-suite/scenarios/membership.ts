import { expect } from "vitest";
import type { Scenario } from "./scenario";
import { counts, notices, ofType, welcomeOf } from "./seen";

/** Joining, tabs, leaving, the reconnect grace, succession and names: who is in the room, as everyone sees it. */
export function membershipScenarios(scenario: Scenario): void {
  scenario("the first to join runs the room; the next is welcomed, announced to everyone and counted", async (room) => {
    const alice = await room.join("alice");
    const bob = await room.join("bob");
    const seenByAlice = await alice.received();
    const seenByBob = await bob.received();
    expect(seenByAlice.map((f) => f.type)).toEqual([
      "welcome",
      "history",
      "system",
      "userCount",
      "system",
      "userCount",
    ]);
    expect(welcomeOf(seenByAlice)).toMatchObject({ username: "alice", operator: true });
    expect(welcomeOf(seenByBob)).toMatchObject({ username: "bob", operator: false });
    expect(welcomeOf(seenByBob).epoch).toBe(welcomeOf(seenByAlice).epoch);
    expect(notices(seenByAlice)).toEqual(["join:alice", "join:bob"]);
    expect(notices(seenByBob)).toEqual(["join:bob"]);
    expect(counts(seenByAlice)).toEqual([1, 2]);
    expect(counts(seenByBob)).toEqual([2]);
    // The notices' ids go up by one, in the order they were written.
    const ids = ofType(seenByAlice, "system").map((f) => f.payload.id);
    expect(ids[1]).toBe((ids[0] ?? 0) + 1);
  });

  scenario(
    "a second tab of a session is the same person: no notice, one count, and it hears what the first says",
    async (room) => {
      const first = await room.join("alice", { session: "session-alice" });
      const bob = await room.join("bob");
      const second = await room.join("alice", { session: "session-alice" });
      expect((await second.received()).map((f) => f.type)).toEqual(["welcome", "history", "userCount"]);
      expect(counts(await second.received())).toEqual([2]);
      expect(welcomeOf(await second.received()).operator).toBe(true);
      expect(notices(await bob.received())).toEqual(["join:bob"]);
      await first.send("from the first tab");
      expect(ofType(await second.received(), "chatMessage").map((f) => f.payload.message)).toEqual([
        "from the first tab",
      ]);
      // One tab closing is not the person leaving.
      await first.send("/quit");
      await bob.send("/users");
      expect(ofType(await bob.received(), "users")[0]?.payload.users.map((u) => u.username)).toEqual(["alice", "bob"]);
      expect(notices(await bob.received())).toEqual(["join:bob"]);
    },
  );

  scenario("a quit leaves at once, with no grace", async (room) => {
    const alice = await room.join("alice");
    const bob = await room.join("bob");
    await bob.send("/quit");
    expect(notices(await alice.received())).toEqual(["join:alice", "join:bob", "leave:bob"]);
    expect(counts(await alice.received()).at(-1)).toBe(1);
  });

  scenario(
    "someone whose connection drops stays, away and counted, until the grace ends; then the room is told",
    async (room) => {
      const alice = await room.join("alice", { session: "session-alice" });
      const bob = await room.join("bob");
      await alice.drop();
      await bob.send("/users");
      expect(ofType(await bob.received(), "users")[0]?.payload.users).toEqual([
        { username: "alice", operator: true, since: expect.any(Number), away: true },
        { username: "bob", operator: false, since: expect.any(Number) },
      ]);
      // The name is held for the session meanwhile.
      const thief = await room.join("alice", { session: "session-thief" });
      expect(ofType(await thief.received(), "error").map((f) => f.payload.code)).toEqual(["username_taken"]);
      expect(notices(await bob.received())).toEqual(["join:bob"]);
      await room.pastGrace();
      expect(notices(await bob.received())).toEqual(["join:bob", "leave:alice", "operator:bob"]);
      expect(counts(await bob.received()).at(-1)).toBe(1);
    },
  );

  scenario("coming back within the grace is invisible to the room, and the role is kept", async (room) => {
    const alice = await room.join("alice", { session: "session-alice" });
    const bob = await room.join("bob");
    await alice.drop();
    const back = await room.join("alice", { session: "session-alice" });
    expect(welcomeOf(await back.received())).toMatchObject({ username: "alice", operator: true });
    await room.pastGrace();
    const seenByBob = await bob.received();
    expect(notices(seenByBob)).toEqual(["join:bob"]);
    expect(counts(seenByBob)).toEqual([2]);
  });

  scenario("when the operator quits, the longest-connected member runs the room and everyone is told", async (room) => {
    const alice = await room.join("alice");
    const bob = await room.join("bob");
    const carol = await room.join("carol");
    await alice.send("/quit");
    for (const person of [bob, carol]) {
      expect(notices(await person.received()).slice(-2)).toEqual(["leave:alice", "operator:bob"]);
    }
    await carol.send("/kick bob");
    expect(ofType(await carol.received(), "error").map((f) => f.payload.code)).toEqual(["not_operator"]);
    await bob.send("/kick nobody");
    expect(ofType(await bob.received(), "error").map((f) => f.payload.code)).toEqual(["no_such_user"]);
  });

  scenario("a new name reaches the room as a notice and every tab of its owner; the old name is free", async (room) => {
    const alice = await room.join("alice", { session: "session-alice" });
    const tab = await room.join("alice", { session: "session-alice" });
    const bob = await room.join("bob");
    await alice.send("/nick alicia");
    expect(ofType(await bob.received(), "system").at(-1)?.payload).toMatchObject({
      event: "nick",
      username: "alicia",
      from: "alice",
      text: "alice is now alicia",
    });
    for (const own of [alice, tab]) {
      expect(ofType(await own.received(), "renamed").map((f) => f.payload.username)).toEqual(["alicia"]);
    }
    await alice.send("hello");
    expect(ofType(await bob.received(), "chatMessage").map((f) => f.payload.username)).toEqual(["alicia"]);
    const newcomer = await room.join("alice");
    expect(welcomeOf(await newcomer.received()).username).toBe("alice");
  });
}
