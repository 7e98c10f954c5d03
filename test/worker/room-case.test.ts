import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "./client";
import { privateRoom, ticket } from "./tickets";

// Room names are case-insensitive: every spelling of a name reaches one room,
// which calls itself by the lower-case spelling.

const get = (path: string) => exports.default.fetch(`http://hallway.test${path}`);

/** A fresh room's name as someone might type it, with capitals, and the room's own spelling. */
function mixedCaseRoom(): { typed: string; canonical: string } {
  const canonical = freshRoom("lobby");
  return { typed: `Lobby-${canonical.slice("lobby-".length).toUpperCase()}`, canonical };
}

describe("room names whatever their case", () => {
  it("bring /chat/Lobby and /chat/lobby into one room, which welcomes both under its lower-case name", async () => {
    const { typed, canonical } = mixedCaseRoom();
    const { client: alice, welcome: aliceWelcome } = await join(typed, { username: "alice" });
    const { client: bob, welcome: bobWelcome } = await join(canonical, { username: "bob" });
    expect(aliceWelcome.room).toBe(canonical);
    expect(bobWelcome.room).toBe(canonical);
    expect(bobWelcome.operator).toBe(false);
    bob.send("hi alice");
    expect((await alice.waitFor("chatMessage")).payload).toMatchObject({ username: "bob", message: "hi alice" });
    alice.close();
    bob.close();
  });

  it("answer /api/rooms/:room and its history the same for every spelling", async () => {
    const { typed, canonical } = mixedCaseRoom();
    const { client: alice } = await join(canonical, { username: "alice" });
    alice.send("said in lower case");
    await alice.waitFor("chatMessage");
    const info = await (await get(`/api/rooms/${typed}`)).json();
    expect(info).toMatchObject({ room: canonical, userCount: 1, users: ["alice"] });
    const history = await (await get(`/api/rooms/${typed.toUpperCase()}/history`)).json<{
      messages: { type: string; payload: { message?: string } }[];
    }>();
    expect(history.messages.map((m) => m.payload.message).filter(Boolean)).toEqual(["said in lower case"]);
    alice.close();
  });

  it("keep the private prefix private in capitals too", async () => {
    const room = privateRoom().toUpperCase();
    expect((await get(`/api/rooms/${room}`)).status).toBe(403);
    expect((await get(`/api/rooms/${room}/history`)).status).toBe(403);
    const knock = await connect(room, { username: "eve" });
    expect((await knock.waitFor("error")).payload.code).toBe("forbidden");
    expect((await knock.closed).code).toBe(4403);
  });

  it("let a stranger's ticket into its room however the link spells the room", async () => {
    const room = privateRoom();
    const { client: ann, welcome } = await join(room.toUpperCase(), { token: await ticket(room, "ann") });
    expect(welcome.room).toBe(room);
    const { client: ben } = await join(room, { token: await ticket(room, "ben") });
    ben.send("hello");
    expect((await ann.waitFor("chatMessage")).payload).toMatchObject({ username: "ben", message: "hello" });
    ann.close();
    ben.close();
  });
});
