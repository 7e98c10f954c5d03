import { afterEach, describe, expect, it } from "vitest";
import { MAX_JOINED_ROOMS } from "../../src/client/cli/joined-rooms";
import { deliver, FakeRoom, type Received, send } from "./fake-room";
import { run, until } from "./in-process";

/**
 * Several rooms in one terminal: `/join` adds one and makes it current,
 * `/part` leaves one (and only that one), and with more than one room each
 * line says which it came from.
 */

let room: FakeRoom | undefined;

afterEach(async () => {
  await room?.close();
  room = undefined;
});

const said = (frames: Received[], text: string) =>
  frames.some((f) => "type" in f && f.type === "chatMessage" && f.payload.message === text);
const quit = (frames: Received[]) => frames.some((f) => "line" in f && f.line === "/quit");

/** A client in the lobby that has also joined #ops, with both welcomes printed. */
async function inTwoRooms() {
  room = await FakeRoom.start();
  const fake = room;
  const client = run(room.origin);
  await until(() => client.out().includes("joined #lobby"), "the lobby's welcome");
  client.stdin.write("/join ops\n");
  await until(() => client.out().includes("joined #ops"), "the welcome of #ops");
  return { client, fake };
}

describe("the terminal client in several rooms", () => {
  it("joins a second room and names the room of every line, once there are two", async () => {
    const { client, fake } = await inTwoRooms();
    const ts = Date.now();
    expect(client.out()).toMatch(/^\* joined #lobby as alice/);
    send(fake.socketIn("lobby"), "chatMessage", { id: 7, username: "bob", message: "from the lobby", ts });
    send(fake.socketIn("ops"), "chatMessage", { id: 9, username: "carol", message: "from ops", ts });
    await until(() => client.out().includes("from ops") && client.out().includes("from the lobby"), "both messages");
    expect(client.out()).toMatch(/^#lobby \[\d\d:\d\d\] <bob> from the lobby$/m);
    expect(client.out()).toMatch(/^#ops \[\d\d:\d\d\] <carol> from ops$/m);

    // What is typed goes to the room joined last.
    client.stdin.write("hello ops\n");
    await until(() => said(fake.receivedIn("ops"), "hello ops"), "the line in #ops");
    expect(said(fake.receivedIn("lobby"), "hello ops")).toBe(false);
    // Each room has its own connection, with the same name and session.
    expect(fake.rooms).toEqual(["lobby", "ops"]);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("/part leaves only the current room, with quit, and goes back to the room joined before", async () => {
    const { client, fake } = await inTwoRooms();
    client.stdin.write("/part\n");
    await until(() => quit(fake.receivedIn("ops")), "the quit in #ops");
    await until(() => client.out().includes("* now in #lobby"), "the switch back");
    expect(client.out()).toContain("* left #ops");
    expect(quit(fake.receivedIn("lobby"))).toBe(false);

    client.stdin.write("back in the lobby\n");
    await until(() => said(fake.receivedIn("lobby"), "back in the lobby"), "the line in the lobby");
    // One room again: lines carry no room, as before the /join.
    expect(client.out()).toMatch(/^\[\d\d:\d\d\] <alice> back in the lobby$/m);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("/part with a room's name leaves that room and keeps the current one", async () => {
    const { client, fake } = await inTwoRooms();
    client.stdin.write("/part #lobby\n");
    await until(() => quit(fake.receivedIn("lobby")), "the quit in the lobby");
    client.stdin.write("still in ops\n");
    await until(() => said(fake.receivedIn("ops"), "still in ops"), "the line in #ops");
    expect(quit(fake.receivedIn("ops"))).toBe(false);
    expect(client.out()).not.toContain("now in");
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("/part in the last room ends the client as /quit does", async () => {
    room = await FakeRoom.start();
    const client = run(room.origin);
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    client.stdin.write("/part\n");
    expect(await client.exit).toBe(0);
    expect(room.received).toEqual([{ line: "/quit" }]);
  });

  it("/quit with two rooms leaves both, so both see it", async () => {
    const { client, fake } = await inTwoRooms();
    client.stdin.write("/quit\n");
    expect(await client.exit).toBe(0);
    await until(() => quit(fake.receivedIn("lobby")), "the quit in the lobby");
    expect(quit(fake.receivedIn("ops"))).toBe(true);
  });

  it(`refuses a join past ${MAX_JOINED_ROOMS} rooms with a line that says why`, async () => {
    room = await FakeRoom.start();
    const fake = room;
    const client = run(room.origin);
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    for (let i = 2; i <= MAX_JOINED_ROOMS; i++) client.stdin.write(`/join r${i}\n`);
    await until(() => fake.sockets.length === MAX_JOINED_ROOMS, "twenty connections");
    client.stdin.write("/join one-too-many\n");
    await until(() => client.out().includes("at most"), "the refusal");
    expect(client.out()).toContain(
      `! at most ${MAX_JOINED_ROOMS} rooms at once: /part one before joining #one-too-many`,
    );
    expect(fake.rooms).not.toContain("one-too-many");
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("/join of the current room says nothing and opens nothing; of another joined room, switches to it", async () => {
    const { client, fake } = await inTwoRooms();
    const before = client.out();
    client.stdin.write("/join ops\n");
    client.stdin.write("still ops\n");
    await until(() => said(fake.receivedIn("ops"), "still ops"), "the line in #ops");
    await until(() => client.out().includes("still ops"), "its copy");
    expect(client.out().slice(before.length)).toMatch(/^#ops \[\d\d:\d\d\] <alice> still ops\n$/);

    client.stdin.write("/join LOBBY\n");
    client.stdin.write("lobby again\n");
    await until(() => said(fake.receivedIn("lobby"), "lobby again"), "the line in the lobby");
    expect(client.out()).toContain("* now in #lobby");
    expect(fake.rooms).toEqual(["lobby", "ops"]);
    expect(fake.received.filter((f) => "line" in f)).toEqual([]);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("says when a joined room refuses, and stays in the others", async () => {
    room = await FakeRoom.start();
    const fake = room;
    const client = run(room.origin);
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    const refused = fake.connection();
    client.stdin.write("/join vip\n");
    const socket = await refused;
    send(socket, "error", { code: "banned", message: "you are banned from this room" });
    socket.close(4008, "banned");
    await until(() => client.out().includes("banned"), "the refusal");
    expect(client.out()).toContain("! #vip: banned: you are banned from this room");
    expect(client.out()).toContain("* now in #lobby");
    client.stdin.write("lobby still\n");
    await until(() => said(fake.receivedIn("lobby"), "lobby still"), "the line in the lobby");
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });

  it("tells a /join that is not a room name, and lists /join, /part and /search after the room's /help", async () => {
    room = await FakeRoom.start((frame, socket, fake) => {
      if ("line" in frame && frame.line === "/help") {
        send(socket, "help", { commands: [{ usage: "/users", description: "who is here" }] });
      } else {
        deliver(frame, socket, fake);
      }
    });
    const client = run(room.origin);
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    client.stdin.write("/join not a room\n/help\n");
    await until(() => client.out().includes("/search"), "the help");
    expect(client.out()).toContain('! not a room name: "not a room"');
    expect(client.out()).toMatch(/\*\s+\/users\s+who is here/);
    expect(client.out()).toMatch(/\*\s+\/join <room>\s+join another room too/);
    expect(client.out()).toMatch(/\*\s+\/part \[room\]\s+leave the current room/);
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });
});
