import { describe, expect, it } from "vitest";
import { MAX_TOPIC_LENGTH, type ServerFrame } from "../../src/protocol";
import { isListed } from "../../src/room/core";
import { RoomSimulator } from "./simulator";

const OWNER = "a".repeat(20);
const OPERATOR = "b".repeat(20);
const GUEST = "c".repeat(20);

/** An owned room with its owner, an operator, a signed-in guest and an anonymous person in it. */
function ownedRoom() {
  const room = new RoomSimulator();
  room.roleOf.set(OWNER, { name: "olive", role: "owner" });
  room.roleOf.set(OPERATOR, { name: "oscar", role: "operator" });
  const owner = room.join(null, null, undefined, undefined, { id: OWNER, name: "olive", session: "s1" }).id;
  const operator = room.join(null, null, undefined, undefined, { id: OPERATOR, name: "oscar", session: "s2" }).id;
  const guest = room.join(null, null, undefined, undefined, { id: GUEST, name: "gwen", session: "s3" }).id;
  const anon = room.join("anna").id;
  return { room, owner, operator, guest, anon };
}

function errors(frames: ServerFrame[]): string[] {
  return frames.flatMap((f) => (f.type === "error" ? [f.payload.code] : []));
}

function topicNotices(frames: ServerFrame[]) {
  return frames.flatMap((f) => (f.type === "system" && f.payload.event === "topic" ? [f.payload] : []));
}

describe("a room's topic", () => {
  it("is set by the owner or an operator, told to everyone as a recorded notice, and given in welcome", () => {
    const { room, owner, operator, anon } = ownedRoom();
    room.command(owner, "/topic  Rust   and coffee ");
    expect(topicNotices(room.frames(anon))).toEqual([
      expect.objectContaining({
        username: "olive",
        topic: "Rust and coffee",
        text: "olive set the topic: Rust and coffee",
      }),
    ]);
    expect(room.settings.topic).toBe("Rust and coffee");
    room.command(operator, "/topic Tea, now");
    expect(room.settings.topic).toBe("Tea, now");
    expect(topicNotices(room.history)).toHaveLength(2);
    const later = room.join("lena").id;
    expect(room.frames(later)[0]).toMatchObject({ type: "welcome", payload: { owner: "olive", topic: "Tea, now" } });
  });

  it("is cleared by an empty /topic, after which welcome carries none", () => {
    const { room, owner } = ownedRoom();
    room.command(owner, "/topic something");
    room.command(owner, "/topic");
    expect(room.settings.topic).toBeNull();
    expect(topicNotices(room.history).at(-1)).toMatchObject({ topic: "", text: "olive cleared the topic" });
    const later = room.join("lena").id;
    const welcome = room.frames(later)[0];
    expect(welcome?.type === "welcome" && "topic" in welcome.payload).toBe(false);
  });

  it("is refused to a signed-in guest and to an anonymous person, and nothing is told", () => {
    const { room, guest, anon } = ownedRoom();
    room.command(guest, "/topic mine now");
    room.command(anon, JSON.stringify({ type: "topic", payload: { topic: "mine now" } }));
    expect(errors(room.frames(guest))).toEqual(["not_operator"]);
    expect(errors(room.frames(anon))).toEqual(["not_operator"]);
    expect(room.settings.topic).toBeNull();
    expect(topicNotices(room.history)).toEqual([]);
  });

  it("is refused in a room nobody owns, even to the person running it", () => {
    const room = new RoomSimulator();
    const first = room.join("first").id;
    room.command(first, "/topic anything");
    expect(errors(room.frames(first))).toEqual(["not_operator"]);
  });

  it(`is at most ${MAX_TOPIC_LENGTH} characters, as typed or sent as a frame`, () => {
    const { room, owner } = ownedRoom();
    room.command(owner, JSON.stringify({ type: "topic", payload: { topic: "x".repeat(MAX_TOPIC_LENGTH) } }));
    expect(room.settings.topic).toHaveLength(MAX_TOPIC_LENGTH);
    room.send(owner, JSON.stringify({ type: "topic", payload: { topic: "y".repeat(MAX_TOPIC_LENGTH + 1) } }));
    room.send(owner, `/topic ${"z".repeat(MAX_TOPIC_LENGTH + 1)}`);
    expect(errors(room.frames(owner))).toEqual(["too_long", "too_long"]);
    expect(room.settings.topic).toBe("x".repeat(MAX_TOPIC_LENGTH));
  });
});

describe("listing a room in the directory", () => {
  it("is the owner's alone: /list and /unlist by anyone else are refused", () => {
    const { room, owner, operator, guest, anon } = ownedRoom();
    for (const conn of [operator, guest, anon]) room.command(conn, "/list");
    expect([operator, guest, anon].map((c) => errors(room.frames(c)))).toEqual([
      ["not_operator"],
      ["not_operator"],
      ["not_operator"],
    ]);
    expect(isListed(room.context)).toBe(false);
    room.command(owner, "/list");
    expect(isListed(room.context)).toBe(true);
    room.command(operator, "/unlist");
    expect(isListed(room.context)).toBe(true);
    room.command(owner, "/unlist");
    expect(isListed(room.context)).toBe(false);
    const told = room.history.flatMap((f) =>
      f.type === "system" && f.payload.event === "info" ? [f.payload.text] : [],
    );
    expect(told).toEqual(["olive listed this room in the directory", "olive took this room out of the directory"]);
  });

  it("never lists a room nobody owns, nor a private stranger room, which has no topic either", () => {
    const open = new RoomSimulator();
    const first = open.join("first").id;
    open.command(first, "/list");
    expect(errors(open.frames(first))).toEqual(["not_operator"]);
    const stranger = new RoomSimulator({}, { closed: false });
    stranger.roleOf.set(OWNER, { name: "olive", role: "owner" });
    const olive = stranger.join(null, null, undefined, undefined, { id: OWNER, name: "olive", session: "s1" }).id;
    stranger.command(olive, "/list");
    stranger.command(olive, "/topic ours");
    expect(errors(stranger.frames(olive))).toEqual(["not_allowed", "not_allowed"]);
    expect(isListed(stranger.context)).toBe(false);
  });

  it("is refused, saying why, when the owner's account lists as many rooms as it may or cannot be asked", () => {
    const { room, owner, anon } = ownedRoom();
    const toldBefore = room.frames(anon).length;
    room.listingSlot = { kind: "full", max: 10 };
    room.command(owner, "/list");
    const refused = room.frames(owner).find((f) => f.type === "error");
    expect(refused?.payload).toMatchObject({ code: "not_allowed", message: expect.stringContaining("/unlist one") });
    expect(refused?.type === "error" && refused.payload.message).toContain("10 rooms");
    room.listingSlot = { kind: "unknown" };
    room.command(owner, "/list");
    expect(errors(room.frames(owner))).toEqual(["not_allowed", "unavailable"]);
    expect(isListed(room.context)).toBe(false);
    expect(room.frames(anon)).toHaveLength(toldBefore);
    room.listingSlot = { kind: "kept" };
    room.command(owner, "/list");
    expect(isListed(room.context)).toBe(true);
  });

  it("ends when the room loses its owner, and does not pass to the next one", () => {
    const { room, owner } = ownedRoom();
    room.command(owner, "/list");
    room.roleOf.clear();
    expect(isListed(room.context)).toBe(false);
    room.roleOf.set(GUEST, { name: "gwen", role: "owner" });
    expect(isListed(room.context)).toBe(false);
  });
});
