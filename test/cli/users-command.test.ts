import { afterEach, describe, expect, it } from "vitest";
import { type Answer, deliver, FakeRoom, send } from "./fake-room";
import { run, until } from "./in-process";

/** v1.10: `/users <part of a name>` in the terminal asks the room for those whose name contains it. */

let room: FakeRoom | undefined;

afterEach(async () => {
  await room?.close();
  room = undefined;
});

const since = 1_795_443_561_700;

/** Answers a `users` frame with a name as a room of bob, Bobby and bo-peep would, and the rest as usual. */
const answer: Answer = (frame, socket, fake) => {
  if ("type" in frame && frame.type === "users") {
    const users = ["bo-peep", "bob"].map((username) => ({ username, operator: false, since }));
    return send(socket, "users", { users, total: 3, more: 1, next: "bob" });
  }
  deliver(frame, socket, fake);
};

describe("the terminal's /users", () => {
  it("with part of a name sends it as the filter and prints those found and how many more", async () => {
    room = await FakeRoom.start(answer);
    const client = run(room.origin);
    await until(() => client.out().includes("joined #lobby"), "the welcome");
    client.stdin.write("/users BO\n");
    await until(() => client.out().includes("here:"), "the people found");
    expect(client.out()).toMatch(/^\* 3 here: bo-peep, bob and 1 more$/m);
    client.stdin.write("/who\n");
    client.stdin.end();
    expect(await client.exit).toBe(0);
    expect(room.received.slice(0, 2)).toEqual([{ type: "users", payload: { name: "BO" } }, { line: "/who" }]);
  });
});
