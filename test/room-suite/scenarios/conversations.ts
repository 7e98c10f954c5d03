import { expect } from "vitest";
import type { ServerFrame } from "../../../src/protocol";
import type { ConversationDriver } from "../driver";
import { lastIdSeen, ofType, welcomeOf } from "./seen";

/** Declares one conversation scenario, on a fresh pair of accounts. */
export type ConversationScenario = (name: string, body: (talk: ConversationDriver) => Promise<void>) => void;

const said = (frames: ServerFrame[]) => ofType(frames, "chatMessage").map((f) => f.payload.message);
const send = (message: string, clientId: string) => ({ type: "chatMessage", payload: { message, clientId } }) as const;

/** Two signed-in people talking outside any room: the room's guarantees, and what a block withholds. */
export function conversationScenarios(scenario: ConversationScenario): void {
  scenario(
    "a message reaches the other person once, acked with its id; a resend is acked again, and nobody is announced",
    async (talk) => {
      const ann = await talk.open("ann");
      const bob = await talk.open("bob");
      await ann.send(send("hi bob", "c-1"));
      const [ack] = ofType(await ann.received(), "ack");
      expect(ofType(await bob.received(), "chatMessage").map((f) => [f.payload.message, f.payload.id])).toEqual([
        ["hi bob", ack?.payload.id],
      ]);
      await ann.send(send("hi bob", "c-1"));
      expect(ofType(await ann.received(), "ack").at(-1)?.payload).toMatchObject({
        id: ack?.payload.id,
        duplicate: true,
      });
      expect(said(await bob.received())).toEqual(["hi bob"]);
      for (const tab of [ann, bob]) expect(ofType(await tab.received(), "system")).toEqual([]);
    },
  );

  scenario("coming back with since and epoch brings exactly what was said meanwhile", async (talk) => {
    const ann = await talk.open("ann");
    const bob = await talk.open("bob");
    await ann.send(send("one", "c-1"));
    const seen = await bob.received();
    await bob.drop();
    await ann.send(send("two", "c-2"));
    await ann.send(send("three", "c-3"));
    const back = await talk.open("bob", { since: lastIdSeen(seen), epoch: welcomeOf(seen).epoch });
    const replayed = (await back.received()).flatMap((f) => (f.type === "history" ? f.payload.messages : []));
    expect(replayed.map((m) => (m.type === "chatMessage" ? m.payload.message : m.type))).toEqual(["two", "three"]);
  });

  scenario(
    "after a block nothing of the blocked person reaches the blocker, live or on coming back, and they are told nothing",
    async (talk) => {
      const ann = await talk.open("ann");
      const bob = await talk.open("bob");
      await ann.send(send("before", "c-1"));
      await talk.block("bob", true);
      await ann.send({ type: "typing", payload: {} });
      await ann.send(send("are you there?", "c-2"));
      const [, second] = ofType(await ann.received(), "ack");
      await ann.send({ type: "edit", payload: { id: second?.payload.id ?? 0, message: "still there?" } });
      await ann.send(send("oops", "c-3"));
      const oops = ofType(await ann.received(), "ack").at(-1)?.payload.id ?? 0;
      await ann.send({ type: "delete", payload: { id: oops } });

      // The blocked person's side goes on as ever: acked, shown, edited, no error, in the
      // order it always comes (their own copy, then the ack), so nothing gives the block away.
      const annSees = await ann.received();
      expect(said(annSees)).toEqual(["before", "are you there?", "oops"]);
      expect(annSees.map((f) => f.type).filter((t) => t === "chatMessage" || t === "ack")).toEqual([
        "chatMessage",
        "ack",
        "chatMessage",
        "ack",
        "chatMessage",
        "ack",
      ]);
      expect(ofType(annSees, "messageUpdated").map((f) => f.payload.message ?? "deleted")).toEqual([
        "still there?",
        "deleted",
      ]);
      expect(ofType(annSees, "error")).toEqual([]);
      // The blocker gets none of it, now or on opening the conversation again.
      const bobSees = await bob.received();
      expect(said(bobSees)).toEqual(["before"]);
      expect(bobSees.filter((f) => f.type === "typing" || f.type === "messageUpdated")).toEqual([]);
      const again = await talk.open("bob");
      const replayed = (await again.received()).flatMap((f) => (f.type === "history" ? f.payload.messages : []));
      // Not even as a deleted message: the block withholds what its author deleted too.
      expect(replayed.map((m) => (m.type === "chatMessage" ? m.payload.message : m.type))).toEqual(["before"]);
    },
  );

  scenario(
    "a blocker coming back still finds what came before the block, however much was written since",
    async (talk) => {
      const ann = await talk.open("ann");
      const bob = await talk.open("bob");
      await bob.send(send("see you at 8", "c-0"));
      await ann.send(send("ok", "c-1"));
      await talk.block("bob", true);
      for (let i = 0; i < 120; i++) ann.send(send(`again ${i}`, `r-${i}`));
      expect(said(await ann.received())).toHaveLength(122);
      const back = await talk.open("bob");
      const [history] = ofType(await back.received(), "history");
      expect(history?.payload.messages.map((m) => (m.type === "chatMessage" ? m.payload.message : m.type))).toEqual([
        "see you at 8",
        "ok",
      ]);
      expect(history?.payload.truncated).toBe(false);
    },
  );

  scenario(
    "the blocker's writing is refused with blocked, though they may take back what they said; after unblocking both talk again",
    async (talk) => {
      const ann = await talk.open("ann");
      const bob = await talk.open("bob");
      await bob.send(send("my address is 1 Elm St", "c-0"));
      const regret = ofType(await bob.received(), "ack")[0]?.payload.id ?? 0;
      await talk.block("bob", true);
      await bob.send(send("one last thing", "c-1"));
      expect(ofType(await bob.received(), "error").map((f) => f.payload)).toEqual([
        expect.objectContaining({ code: "blocked", clientId: "c-1" }),
      ]);
      await bob.send({ type: "delete", payload: { id: regret, clientId: "d-1" } });
      expect(ofType(await bob.received(), "error")).toHaveLength(1);
      expect(ofType(await ann.received(), "messageUpdated").map((f) => f.payload)).toEqual([
        { id: regret, deleted: true },
      ]);
      expect(said(await ann.received())).toEqual(["my address is 1 Elm St"]);
      await talk.block("bob", false);
      await bob.send(send("sorry, hello", "c-2"));
      await ann.send(send("hello", "c-3"));
      expect(said(await ann.received())).toEqual(["my address is 1 Elm St", "sorry, hello", "hello"]);
      expect(said(await bob.received())).toEqual(["my address is 1 Elm St", "sorry, hello", "hello"]);
    },
  );
}
