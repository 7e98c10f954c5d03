import { describe, expect, it } from "vitest";
import type { ServerFrame, ServerFrameType } from "../../src/protocol";
import type { RoomDriver } from "./driver";

type Frame<K extends ServerFrameType> = Extract<ServerFrame, { type: K }>;

const ofType = <K extends ServerFrameType>(frames: ServerFrame[], type: K): Frame<K>[] =>
  frames.filter((f): f is Frame<K> => f.type === type);
/** The notices a person saw, as `event:username`. */
const notices = (frames: ServerFrame[]) =>
  ofType(frames, "system").map((f) => `${f.payload.event}:${f.payload.username}`);
const counts = (frames: ServerFrame[]) => ofType(frames, "userCount").map((f) => f.payload.count);
const welcomeOf = (frames: ServerFrame[]) => {
  const welcome = ofType(frames, "welcome")[0];
  if (!welcome) throw new Error(`no welcome among ${JSON.stringify(frames)}`);
  return welcome.payload;
};
/** The newest id a person has seen: what a client brings back as `since`. */
const lastIdSeen = (frames: ServerFrame[]) =>
  Math.max(0, ...frames.flatMap((f) => (f.type === "system" || f.type === "chatMessage" ? [f.payload.id] : [])));

/** The scenarios, by name; an interpreter that disagrees on one lists it with what it does instead. */
export type Disagreements = Partial<Record<string, string>>;

/**
 * The room's scenarios, written once and run against every interpreter of its
 * rules (see `driver.ts`). Each checks what people would notice: who receives
 * which frame, acks and ids, notices and closes. A scenario an interpreter is
 * known to get wrong is run as failing, with the reason in `disagreements`:
 * once that interpreter is fixed, the suite says so.
 */
export function roomScenarios(interpreter: string, open: () => RoomDriver, disagreements: Disagreements = {}) {
  const named = new Set<string>();
  const scenario = (name: string, body: (room: RoomDriver) => Promise<void>) => {
    named.add(name);
    const known = disagreements[name];
    if (known) it.fails(`${name} (disagrees: ${known})`, () => body(open()));
    else it(name, () => body(open()));
  };

  describe(`the room, run by ${interpreter}`, () => {
    scenario(
      "the first to join runs the room; the next is welcomed, announced to everyone and counted",
      async (room) => {
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
      },
    );

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

    scenario(
      "a DM reaches both parties and nobody else; one to nobody is refused, naming the clientId",
      async (room) => {
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
      },
    );

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
        expect(ofType(await bob.received(), "users")[0]?.payload.users.map((u) => u.username)).toEqual([
          "alice",
          "bob",
        ]);
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
      "when the operator quits, the longest-connected member runs the room and everyone is told",
      async (room) => {
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
      },
    );

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
      "a new name reaches the room as a notice and every tab of its owner; the old name is free",
      async (room) => {
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
      },
    );

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
        expect(
          history?.messages.map((f) => [f.type, f.type === "system" ? f.payload.text : f.payload.message]),
        ).toEqual([
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

    scenario("a resume from another epoch is told to start afresh", async (room) => {
      await room.join("alice", { session: "session-alice" });
      const back = await room.join("bob", { since: 1, epoch: "an-epoch-long-gone" });
      expect(ofType(await back.received(), "history")[0]?.payload.reset).toBe(true);
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

    // A disagreement must name a scenario, or a renamed one would quietly run as failing nowhere.
    for (const name of Object.keys(disagreements)) {
      if (!named.has(name)) throw new Error(`no room scenario is called ${JSON.stringify(name)}`);
    }
  });
}
