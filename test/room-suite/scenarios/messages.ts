import { expect } from "vitest";
import type { ServerFrame } from "../../../src/protocol";
import type { Scenario } from "./scenario";
import { ofType } from "./seen";

/** Chat messages, DMs and the message actions: who receives what, and the acks and ids of sends. */
export function messagesScenarios(scenario: Scenario): void {
  scenario(
    "a chat message reaches everyone under the sender's name; its clientId is acked once, with its id",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob");
      await alice.send({ type: "chatMessage", payload: { message: "hello", clientId: "m-1" } });
      const toBob = ofType(await bob.received(), "chatMessage");
      expect(toBob.map((f) => [f.payload.username, f.payload.message])).toEqual([["alice", "hello"]]);
      const id = toBob[0]?.payload.id;
      expect(ofType(await alice.received(), "chatMessage").map((f) => f.payload.id)).toEqual([id]);
      expect(ofType(await alice.received(), "ack").map((f) => f.payload)).toEqual([
        { clientId: "m-1", id, ts: expect.any(Number) },
      ]);
      // A resend (the connection dropped before the ack) is acked again and never delivered twice.
      await alice.send({ type: "chatMessage", payload: { message: "hello", clientId: "m-1" } });
      expect(ofType(await alice.received(), "ack").at(-1)?.payload).toMatchObject({
        clientId: "m-1",
        id,
        duplicate: true,
      });
      expect(ofType(await bob.received(), "chatMessage")).toHaveLength(1);
    },
  );

  scenario("a DM reaches both parties and nobody else; one to nobody is refused, naming the clientId", async (room) => {
    const alice = await room.join("alice");
    const bob = await room.join("bob");
    const carol = await room.join("carol");
    await alice.send({ type: "dm", payload: { to: "bob", message: "psst", clientId: "dm-1" } });
    const dm = { from: "alice", to: "bob", message: "psst" };
    expect(ofType(await bob.received(), "dm").map((f) => f.payload)).toEqual([expect.objectContaining(dm)]);
    expect(ofType(await alice.received(), "dm").map((f) => f.payload)).toEqual([expect.objectContaining(dm)]);
    expect(ofType(await alice.received(), "ack").map((f) => f.payload.clientId)).toEqual(["dm-1"]);
    expect(ofType(await carol.received(), "dm")).toEqual([]);
    await alice.send({ type: "dm", payload: { to: "nobody", message: "hi", clientId: "dm-2" } });
    expect(ofType(await alice.received(), "error").map((f) => f.payload)).toEqual([
      expect.objectContaining({ code: "no_such_user", clientId: "dm-2" }),
    ]);
  });

  scenario("the author's edit reaches everyone with editedAt; anyone else's is refused", async (room) => {
    const alice = await room.join("alice");
    const bob = await room.join("bob");
    await bob.send("frist");
    const id = ofType(await bob.received(), "chatMessage")[0]?.payload.id;
    await bob.send({ type: "edit", payload: { id: id ?? 0, message: "first", clientId: "e-1" } });
    for (const person of [alice, bob]) {
      expect(ofType(await person.received(), "messageUpdated").map((f) => f.payload)).toEqual([
        { id, message: "first", editedAt: expect.any(Number) },
      ]);
    }
    expect(ofType(await bob.received(), "ack").map((f) => f.payload.clientId)).toEqual(["e-1"]);
    // Not even the operator may put words in someone's mouth.
    await alice.send(`/edit ${id} forged`);
    expect(ofType(await alice.received(), "error").map((f) => f.payload.code)).toEqual(["not_allowed"]);
    expect(ofType(await bob.received(), "messageUpdated")).toHaveLength(1);
  });

  scenario(
    "the operator may delete anyone's message, the author their own: the text is gone for everyone",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob");
      const carol = await room.join("carol");
      await bob.send("oops");
      await carol.send("mine");
      const [oops, mine] = ofType(await alice.received(), "chatMessage").map((f) => f.payload.id);
      await carol.send(`/delete ${oops}`);
      expect(ofType(await carol.received(), "error").map((f) => f.payload.code)).toEqual(["not_allowed"]);
      await alice.send(`/delete ${oops}`);
      await carol.send(`/delete ${mine}`);
      for (const person of [alice, bob, carol]) {
        expect(ofType(await person.received(), "messageUpdated").map((f) => f.payload)).toEqual([
          { id: oops, deleted: true },
          { id: mine, deleted: true },
        ]);
      }
    },
  );

  scenario(
    "a reaction reaches everyone as one change; the same again takes it back; a resend is not counted twice",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob");
      await alice.send("lunch?");
      const id = ofType(await alice.received(), "chatMessage")[0]?.payload.id ?? 0;
      await bob.send({ type: "react", payload: { id, emoji: "👍", clientId: "r-1" } });
      await bob.send({ type: "react", payload: { id, emoji: "👍", clientId: "r-1" } });
      await bob.send(`/react ${id} 👍`);
      const changes = (frames: ServerFrame[]) => ofType(frames, "reaction").map((f) => f.payload);
      const expected = [
        { id, emoji: "👍", username: "bob", on: true },
        { id, emoji: "👍", username: "bob", on: false },
      ];
      expect(changes(await alice.received())).toEqual(expected);
      expect(changes(await bob.received())).toEqual(expected);
      expect(ofType(await bob.received(), "ack").map((f) => f.payload)).toEqual([
        expect.objectContaining({ clientId: "r-1", id }),
        expect.objectContaining({ clientId: "r-1", id, duplicate: true }),
      ]);
    },
  );

  scenario("typing reaches everyone but the typist's own tabs, once however often it is sent", async (room) => {
    const alice = await room.join("alice", { session: "session-alice" });
    const otherTab = await room.join("alice", { session: "session-alice" });
    const bob = await room.join("bob");
    for (let i = 0; i < 5; i++) await alice.send("/typing");
    expect(ofType(await bob.received(), "typing").map((f) => f.payload)).toEqual([{ username: "alice" }]);
    for (const own of [alice, otherTab]) {
      expect((await own.received()).filter((f) => f.type === "typing" || f.type === "error")).toEqual([]);
    }
  });
}
