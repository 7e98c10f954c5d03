import { expect } from "vitest";
import type { Scenario } from "./scenario";
import { counts, notices, ofType, welcomeOf } from "./seen";

/** The operator's kick and ban, as the room and the person removed see them. */
export function moderationScenarios(scenario: Scenario): void {
  scenario(
    "the operator's kick tells the room, the kicked one first, closes them with 4003 and drops the count",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob");
      await bob.send("/kick alice");
      expect(ofType(await bob.received(), "error").map((f) => f.payload.code)).toEqual(["not_operator"]);
      await alice.send("/kick bob");
      expect(await bob.closeCode()).toBe(4003);
      expect(notices(await bob.received()).at(-1)).toBe("kick:bob");
      expect(notices(await alice.received()).at(-1)).toBe("kick:bob");
      expect(counts(await alice.received()).at(-1)).toBe(1);
    },
  );

  scenario(
    "a ban tells the room and the banned person for how long, closes them with 4008 and keeps their name out",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob", { session: "session-bob" });
      await alice.send("/ban bob");
      expect(await bob.closeCode()).toBe(4008);
      expect((await bob.received()).slice(-2)).toMatchObject([
        { type: "system", payload: { event: "ban", text: "bob was banned by alice for good" } },
        { type: "error", payload: { code: "banned", message: "you are banned from this room for good" } },
      ]);
      expect(notices(await alice.received()).at(-1)).toBe("ban:bob");
      const again = await room.join("Bob");
      expect(ofType(await again.received(), "error").map((f) => f.payload.code)).toEqual(["banned"]);
      expect(await again.closeCode()).toBe(4008);
      const sameSession = await room.join("robert", { session: "session-bob" });
      expect(await sameSession.closeCode()).toBe(4008);
      await alice.send("/unban bob");
      const forgiven = await room.join("bob");
      expect(welcomeOf(await forgiven.received()).username).toBe("bob");
    },
  );

  scenario(
    "a room nobody owns has no topic and is never listed: /topic and /list are refused, the one running it included",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob");
      await alice.send("/topic ours now");
      await alice.send("/list");
      await bob.send({ type: "topic", payload: { topic: "mine" } });
      expect(ofType(await alice.received(), "error").map((f) => f.payload.code)).toEqual([
        "not_operator",
        "not_operator",
      ]);
      expect(ofType(await bob.received(), "error").map((f) => f.payload.code)).toEqual(["not_operator"]);
      expect(notices(await bob.received()).filter((n) => n.startsWith("topic:"))).toEqual([]);
      const later = await room.join("carol");
      expect("topic" in welcomeOf(await later.received())).toBe(false);
    },
  );
}
