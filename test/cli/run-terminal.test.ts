import { afterEach, describe, expect, it } from "vitest";
import { deliver, FakeRoom, send } from "./fake-room";
import { run, until } from "./in-process";

/**
 * The terminal client run in this process, against a fake room on loopback:
 * what it sends, what it prints, and the exit status it settles with.
 */

let room: FakeRoom | undefined;

afterEach(async () => {
  await room?.close();
  room = undefined;
});

describe("the terminal client, in process", () => {
  it("sends a typed line to the room, prints the room's copy and exits 0 once it is delivered", async () => {
    room = await FakeRoom.start();
    const client = run(room.origin);
    client.stdin.end("hello\n");
    expect(await client.exit).toBe(0);
    expect(room.received[0]).toMatchObject({ type: "chatMessage", payload: { message: "hello" } });
    expect(room.received.at(-1)).toEqual({ line: "/quit" });
    expect(client.out()).toMatch(/<alice> hello/);
    expect(client.err()).not.toMatch(/not delivered/);
  });

  it("counts a line the room never acked as not delivered at the exit, which makes the status 1", async () => {
    // The room takes the message but is closed (kicked) before acking it.
    room = await FakeRoom.start((frame, socket) => {
      if ("type" in frame && frame.type === "chatMessage") socket.close(4003, "kicked");
    });
    const client = run(room.origin);
    client.stdin.write("lost words\n");
    expect(await client.exit).toBe(1);
    expect(client.err()).toMatch(/1 line not delivered: "lost words"/);
  });

  it("reports a /msg to nobody as not sent, with the room's reason, and counts it at the exit", async () => {
    room = await FakeRoom.start((frame, socket, fake) => {
      if ("type" in frame && frame.type === "dm") {
        send(socket, "error", {
          code: "no_such_user",
          message: "nobody here is called nobody",
          clientId: frame.payload.clientId,
        });
        return;
      }
      deliver(frame, socket, fake);
    });
    const client = run(room.origin);
    client.stdin.end("/msg nobody are you there?\n");
    expect(await client.exit).toBe(1);
    expect(client.out()).toMatch(
      /! not sent \(no_such_user: nobody here is called nobody\): "\/msg nobody are you there\?"/,
    );
    expect(client.err()).toMatch(/1 line not delivered/);
  });

  it("keeps an edit typed while the connection is down and sends it after the reconnect", async () => {
    room = await FakeRoom.start();
    const client = run(room.origin);
    await until(() => room?.sockets.length === 1, "the first connection");
    await until(() => client.out().includes("lobby"), "the welcome");
    const second = room.connection();
    room.sockets[0]?.terminate();
    await until(() => client.err().includes("connection lost"), "the client to notice the drop");
    client.stdin.write("/edit 1 fixed it\n");
    await second;
    await until(() => room?.received.some((f) => "type" in f && f.type === "edit") === true, "the edit");
    const edit = room.received.find((f) => "type" in f && f.type === "edit");
    expect(edit).toMatchObject({ type: "edit", payload: { id: 1, message: "fixed it" } });
    client.stdin.end();
    expect(await client.exit).toBe(0);
  });
});
