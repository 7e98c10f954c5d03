import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { RoomSimulator } from "./simulator";

type Frame<K extends ServerFrame["type"]> = Extract<ServerFrame, { type: K }>;
const last = <K extends ServerFrame["type"]>(frames: ServerFrame[], type: K) =>
  frames.filter((f): f is Frame<K> => f.type === type).at(-1);
const json = (type: string, payload: object) => JSON.stringify({ type, payload });

/** A room with alice (operator), bob and carol, and one message from bob. */
function room() {
  const sim = new RoomSimulator({ rateLimitBurst: 100 });
  const alice = sim.join("alice", "session-alice");
  const bob = sim.join("bob", "session-bob");
  const carol = sim.join("carol", "session-carol");
  sim.command(bob.id, "hello @alice and @CAROL, not @nobody");
  const id = last(sim.frames(bob.id), "chatMessage")?.payload.id ?? 0;
  return { sim, alice: alice.id, bob: bob.id, carol: carol.id, id };
}

const stored = (sim: RoomSimulator, id: number) =>
  sim.history.find((f): f is Frame<"chatMessage"> => f.type === "chatMessage" && f.payload.id === id)?.payload;

describe("mentions", () => {
  it("names people in the room as the room spells them, and nobody else", () => {
    const { sim, id } = room();
    expect(stored(sim, id)?.mentions).toEqual(["alice", "carol"]);
  });

  it("match look-alikes and ignore trailing punctuation", () => {
    const { sim, carol } = room();
    sim.command(carol, "thanks @аlice! and @bob,");
    expect(last(sim.frames(carol), "chatMessage")?.payload.mentions).toEqual(["alice", "bob"]);
    sim.command(carol, "mail me at carol@example.com");
    expect(last(sim.frames(carol), "chatMessage")?.payload.mentions).toBeUndefined();
  });

  it("find any one name however long, before punctuation, and names ending in an emoji", () => {
    const sim = new RoomSimulator();
    const long = "АлександраВладимировнаПетрова";
    const writer = sim.join("writer").id;
    for (const name of [long, "МарияИвановнаПетрова", "x😀", "john_"]) sim.join(name);
    const mentions = (line: string) => {
      sim.command(writer, line);
      return last(sim.frames(writer), "chatMessage")?.payload.mentions;
    };
    expect(mentions(`@${long}`)).toEqual([long]);
    // "john_" ends in punctuation, so tokens are tried as written too: that must not use up the budget.
    expect(mentions("hi @МарияИвановнаПетрова, how are you")).toEqual(["МарияИвановнаПетрова"]);
    expect(mentions("hey @x😀, look")).toEqual(["x😀"]);
  });
});

describe("replies", () => {
  it("carry replyTo in the broadcast and in history", () => {
    const { sim, carol, id } = room();
    sim.command(carol, `/reply ${id} agreed`);
    const sent = last(sim.frames(carol), "chatMessage");
    expect(sent?.payload).toMatchObject({ message: "agreed", replyTo: id });
    expect(stored(sim, sent?.payload.id ?? 0)?.replyTo).toBe(id);
  });

  it("refuse an unknown or deleted id with bad_message, naming the clientId", () => {
    const { sim, bob, id } = room();
    sim.send(bob, json("chatMessage", { message: "re?", replyTo: 999, clientId: "r1" }));
    expect(last(sim.frames(bob), "error")?.payload).toMatchObject({ code: "bad_message", clientId: "r1" });
    sim.command(bob, `/delete ${id}`);
    sim.command(bob, `/reply ${id} too late`);
    expect(last(sim.frames(bob), "error")?.payload.code).toBe("bad_message");
  });
});

describe("edits", () => {
  it("by the author replace the text everywhere, with editedAt and fresh mentions", () => {
    const { sim, bob, carol, id } = room();
    sim.now += 5000;
    sim.command(bob, `/edit ${id} fixed, @bob`);
    expect(last(sim.frames(carol), "messageUpdated")?.payload).toEqual({
      id,
      message: "fixed, @bob",
      editedAt: sim.now,
    });
    expect(stored(sim, id)).toMatchObject({ message: "fixed, @bob", editedAt: sim.now, mentions: ["bob"] });
  });

  it("by anyone else, the operator included, get not_allowed", () => {
    const { sim, alice, carol, id } = room();
    for (const who of [alice, carol]) {
      sim.command(who, `/edit ${id} mine now`);
      expect(last(sim.frames(who), "error")?.payload.code).toBe("not_allowed");
    }
    expect(stored(sim, id)?.message).toBe("hello @alice and @CAROL, not @nobody");
  });

  it("follow the length rules of new messages", () => {
    const sim = new RoomSimulator({ maxMessageLength: 10 });
    const a = sim.join("a");
    sim.command(a.id, "short");
    const id = last(sim.frames(a.id), "chatMessage")?.payload.id ?? 0;
    sim.send(a.id, json("edit", { id, message: "far too long now", clientId: "e1" }));
    expect(last(sim.frames(a.id), "error")?.payload).toMatchObject({ code: "too_long", clientId: "e1" });
  });
});

describe("deletes", () => {
  it("by the author or the operator take the text, mentions and reactions out of storage", () => {
    const { sim, alice, bob, carol, id } = room();
    sim.command(carol, `/react ${id} 👍`);
    sim.command(carol, `/delete ${id}`);
    expect(last(sim.frames(carol), "error")?.payload.code).toBe("not_allowed");
    sim.command(alice, `/delete ${id}`);
    expect(last(sim.frames(bob), "messageUpdated")?.payload).toEqual({ id, deleted: true });
    const now = stored(sim, id);
    // Who wrote it stays, as a name and as the author's id.
    expect(now).toEqual({ id, username: "bob", authorId: now?.authorId, message: "", ts: now?.ts, deleted: true });
    expect(now?.authorId).toMatch(/^s/);
    expect(JSON.stringify(sim.history)).not.toContain("hello @alice");
    expect(sim.reactionsOf(id)).toBeUndefined();
  });

  it("cannot be edited, reacted to or deleted again", () => {
    const { sim, bob, id } = room();
    sim.command(bob, `/delete ${id}`);
    for (const line of [`/edit ${id} back`, `/react ${id} 👍`, `/delete ${id}`]) {
      sim.command(bob, line);
      expect(last(sim.frames(bob), "error")?.payload.code).toBe("bad_message");
    }
  });
});

describe("reactions", () => {
  it("toggle the sender's reaction, and keep emoji in the order they were first used", () => {
    const { sim, alice, bob, carol, id } = room();
    sim.command(carol, `/react ${id} 👍`);
    sim.command(alice, `/react ${id} 🎉`);
    sim.command(alice, `/react ${id} 👍`);
    expect(sim.reactionsOf(id)).toEqual({ "👍": ["carol", "alice"], "🎉": ["alice"] });
    expect(
      sim
        .frames(bob)
        .filter((f) => f.type === "reaction")
        .map((f) => f.payload),
    ).toEqual([
      { id, emoji: "👍", username: "carol", on: true },
      { id, emoji: "🎉", username: "alice", on: true },
      { id, emoji: "👍", username: "alice", on: true },
    ]);
    sim.command(carol, `/react ${id} 👍`);
    sim.command(alice, `/react ${id} 👍`);
    expect(sim.reactionsOf(id)).toEqual({ "🎉": ["alice"] });
    sim.command(alice, `/react ${id} 🎉`);
    expect(sim.reactionsOf(id)).toBeUndefined();
    expect(last(sim.frames(bob), "reaction")?.payload).toEqual({ id, emoji: "🎉", username: "alice", on: false });
    expect(sim.frames(bob).some((f) => f.type === "messageUpdated")).toBe(false);
  });

  it("belong to the person who made them: someone who later takes the name adds their own", () => {
    const { sim, alice, bob, id } = room();
    sim.command(alice, `/react ${id} 👍`);
    sim.command(alice, "/quit");
    const newcomer = sim.join("alice", "session-another-alice").id;
    sim.command(newcomer, `/react ${id} 👍`);
    expect(last(sim.frames(bob), "reaction")?.payload).toEqual({ id, emoji: "👍", username: "alice", on: true });
    expect(sim.reactionsOf(id)).toEqual({ "👍": ["alice", "alice"] });
    sim.command(newcomer, `/react ${id} 👍`);
    expect(sim.reactionsOf(id)).toEqual({ "👍": ["alice"] });
    expect(sim.reactions.get(id)?.get("👍")?.has("session-alice")).toBe(true);
  });

  it("are told under the name they were made with, and never with a session", () => {
    const { sim, bob, carol, id } = room();
    sim.command(carol, `/react ${id} 🎉`);
    sim.command(carol, "/quit");
    // The same person back under another name takes back what she added as carol.
    const carla = sim.join("carla", "session-carol").id;
    sim.command(carla, `/react ${id} 🎉`);
    expect(last(sim.frames(bob), "reaction")?.payload).toEqual({ id, emoji: "🎉", username: "carol", on: false });
    expect(sim.reactionsOf(id)).toBeUndefined();
    const told = JSON.stringify([...sim.inbox.values()].flat().filter((f) => f.type !== "welcome"));
    for (const session of ["session-alice", "session-bob", "session-carol"]) expect(told).not.toContain(session);
  });

  it("hold at most 20 different emoji; one already there can still be added to", () => {
    const { sim, alice, carol, id } = room();
    const emoji = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"];
    for (const e of emoji) sim.command(alice, `/react ${id} ${e}`);
    expect(Object.keys(sim.reactionsOf(id) ?? {})).toHaveLength(20);
    sim.command(carol, `/react ${id} 🤔`);
    expect(last(sim.frames(carol), "error")?.payload.code).toBe("bad_message");
    sim.command(carol, `/react ${id} 😀`);
    expect(sim.reactionsOf(id)?.["😀"]).toEqual(["alice", "carol"]);
  });

  it("accept one emoji only", () => {
    const { sim, carol, id } = room();
    for (const bad of ["x", "👍👍", ":)", "1"]) {
      sim.send(carol, json("react", { id, emoji: bad, clientId: "r" }));
      expect(last(sim.frames(carol), "error")?.payload).toMatchObject({ code: "bad_message", clientId: "r" });
    }
    for (const good of ["👍🏽", "🇫🇷", "👨‍👩‍👧", "1️⃣"]) sim.command(carol, `/react ${id} ${good}`);
    expect(Object.keys(sim.reactionsOf(id) ?? {})).toEqual(["👍🏽", "🇫🇷", "👨‍👩‍👧", "1️⃣"]);
  });

  it("are acked when they carry a clientId, and a resend does not toggle back", () => {
    const { sim, carol, id } = room();
    const frame = json("react", { id, emoji: "👍", clientId: "react-1" });
    sim.send(carol, frame);
    expect(last(sim.frames(carol), "ack")?.payload).toMatchObject({ clientId: "react-1", id });
    sim.send(carol, frame);
    expect(last(sim.frames(carol), "ack")?.payload).toMatchObject({ clientId: "react-1", duplicate: true });
    expect(sim.reactionsOf(id)).toEqual({ "👍": ["carol"] });
  });
});

describe("typing", () => {
  it("reaches everyone but the sender's own tabs, at most once per 2 s, and is never stored", () => {
    const sim = new RoomSimulator({ rateLimitBurst: 2, rateLimitPerSecond: 0.001 });
    const a1 = sim.join("alice", "session-alice");
    const a2 = sim.join("alice", "session-alice");
    const bob = sim.join("bob");
    const before = sim.history.length;
    for (let i = 0; i < 10; i++) sim.command(a1.id, "/typing");
    expect(sim.frames(bob.id).filter((f) => f.type === "typing")).toEqual([
      { type: "typing", payload: { username: "alice" } },
    ]);
    expect([...sim.frames(a1.id), ...sim.frames(a2.id)].some((f) => f.type === "typing" || f.type === "error")).toBe(
      false,
    );
    sim.now += 2000;
    sim.send(a2.id, json("typing", {}));
    expect(sim.frames(bob.id).filter((f) => f.type === "typing")).toHaveLength(2);
    expect(sim.history.length).toBe(before);
    // Ten typing notices took nothing from a burst of 2: two messages still go through.
    sim.command(a1.id, "one");
    sim.command(a1.id, "two");
    expect(sim.frames(bob.id).filter((f) => f.type === "chatMessage")).toHaveLength(2);
  });

  it("is not passed on in a room of more than 100", () => {
    const sim = new RoomSimulator();
    const ids = Array.from({ length: 101 }, (_, i) => sim.join(`p${i}`).id);
    sim.command(ids[0] ?? "", "/typing");
    expect(sim.frames(ids[1] ?? "").some((f) => f.type === "typing")).toBe(false);
  });
});
