import { expect } from "vitest";
import type { Scenario } from "./scenario";
import { lastIdSeen, ofType, welcomeOf } from "./seen";

/** What a person coming back is replayed. */
export function resumeScenarios(scenario: Scenario): void {
  scenario(
    "a resume replays only what was missed since the last id seen, the person's own DMs included",
    async (room) => {
      const alice = await room.join("alice", { session: "session-alice" });
      const bob = await room.join("bob");
      const seen = await alice.received();
      await alice.drop();
      await bob.send("while you were out");
      await bob.send("/msg alice only for you");
      const back = await room.join("alice", {
        session: "session-alice",
        since: lastIdSeen(seen),
        epoch: welcomeOf(seen).epoch,
      });
      const history = ofType(await back.received(), "history")[0]?.payload;
      expect(history?.messages.map((f) => [f.type, f.type === "system" ? f.payload.text : f.payload.message])).toEqual([
        ["chatMessage", "while you were out"],
        ["dm", "only for you"],
      ]);
      expect(history?.truncated).toBe(false);
    },
  );

  scenario(
    "a DM to someone within the grace reaches them when they come back, and nobody else's replay",
    async (room) => {
      const alice = await room.join("alice", { session: "session-alice" });
      const bob = await room.join("bob");
      const seen = await alice.received();
      await alice.drop();
      await bob.send({ type: "dm", payload: { to: "alice", message: "while you were out", clientId: "dm-away" } });
      expect(ofType(await bob.received(), "ack").map((f) => f.payload.clientId)).toEqual(["dm-away"]);
      const back = await room.join("alice", { session: "session-alice", since: lastIdSeen(seen) });
      const replay = ofType(await back.received(), "history")[0]?.payload.messages ?? [];
      expect(replay.map((f) => f.type === "dm" && f.payload.message)).toEqual(["while you were out"]);
      const carol = await room.join("carol");
      const theirs = ofType(await carol.received(), "history")[0]?.payload.messages ?? [];
      expect(theirs.some((f) => f.type === "dm")).toBe(false);
    },
  );

  scenario(
    "a resume is told how each message it had stands now when it changed while the person was away",
    async (room) => {
      const alice = await room.join("alice", { session: "session-alice" });
      const bob = await room.join("bob");
      await bob.send("frist");
      await bob.send("lunch?");
      const [frist, lunch] = ofType(await alice.received(), "chatMessage").map((f) => f.payload.id);
      const seen = await alice.received();
      await alice.drop();
      await bob.send(`/edit ${frist} first`);
      await bob.send(`/react ${lunch} 👍`);
      const back = await room.join("alice", {
        session: "session-alice",
        since: lastIdSeen(seen),
        epoch: welcomeOf(seen).epoch,
      });
      const frames = await back.received();
      expect(ofType(frames, "history")[0]?.payload.messages).toEqual([]);
      expect(ofType(frames, "messageUpdated").map((f) => f.payload)).toEqual([
        { id: frist, message: "first", editedAt: expect.any(Number), reactions: {} },
        { id: lunch, message: "lunch?", reactions: { "👍": ["bob"] } },
      ]);
    },
  );

  scenario("a resume from another epoch is told to start afresh", async (room) => {
    await room.join("alice", { session: "session-alice" });
    const back = await room.join("bob", { since: 1, epoch: "an-epoch-long-gone" });
    expect(ofType(await back.received(), "history")[0]?.payload.reset).toBe(true);
  });
}
