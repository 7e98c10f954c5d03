import { describe, expect, it } from "vitest";
import { RoomSimulator } from "./simulator";

const nick = (name: string) => JSON.stringify({ type: "nick", payload: { username: name } });

describe("/nick", () => {
  it("renames the person everywhere: the room is told, their tabs learn it, and the old name is free", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice", "session-alice");
    const tab = room.join(null, "session-alice");
    const bob = room.join("bob");
    room.command(alice.id, "/nick alicia");
    const told = room.frames(bob.id).at(-1);
    expect(told).toMatchObject({
      type: "system",
      payload: { event: "nick", username: "alicia", from: "alice", text: "alice is now alicia" },
    });
    for (const id of [alice.id, tab.id]) {
      expect(room.frames(id).some((f) => f.type === "renamed" && f.payload.username === "alicia")).toBe(true);
    }
    expect(room.members.map((m) => [m.username, m.operator])).toEqual([
      ["alicia", true],
      ["bob", false],
    ]);
    expect(room.history.at(-1)).toMatchObject({ payload: { event: "nick", from: "alice" } });
    expect(room.join("alice").outcome.ok).toBe(true);
    room.send(alice.id, "hello");
    expect(room.frames(bob.id).at(-1)).toMatchObject({ type: "chatMessage", payload: { username: "alicia" } });
  });

  it("meets every rule a joiner's name meets, and a refusal leaves the person as they were", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.join("bob");
    room.bans.push({ name: "mallory", session: null, until: null });
    const attempts: [string, string][] = [
      ["/nick b0b", "username_taken"],
      ["/nick BOB", "username_taken"],
      ["/nick mallory", "banned"],
      ["/nick alice", "bad_username"],
      [nick("a\u200Bb"), "bad_username"],
      [nick("two words"), "bad_username"],
      [nick(""), "bad_message"],
    ];
    for (const [line, code] of attempts) {
      room.send(alice.id, line);
      expect(room.frames(alice.id).at(-1), line).toMatchObject({ type: "error", payload: { code } });
    }
    expect(room.closed.has(alice.id)).toBe(false);
    expect(room.members.map((m) => m.username)).toEqual(["alice", "bob"]);
    expect(room.history.filter((f) => f.type === "system" && f.payload.event === "nick")).toEqual([]);
  });

  it("lets a person change only the case or look of their own name", () => {
    const room = new RoomSimulator();
    const alice = room.join("alice");
    room.command(alice.id, "/nick Alice");
    expect(room.members.map((m) => m.username)).toEqual(["Alice"]);
  });

  it("in a crowd too, is a notice naming both names, so lists keep the person's place and role", () => {
    const room = new RoomSimulator({ crowdSize: 3 });
    const alice = room.join("alice");
    const bob = room.join("bob");
    room.join("carol");
    room.command(alice.id, "/nick alicia");
    expect(room.frames(bob.id).at(-1)).toMatchObject({
      type: "system",
      payload: { event: "nick", username: "alicia", from: "alice" },
    });
    expect(room.frames(bob.id).filter((f) => f.type === "presence" && f.payload.left.includes("alice"))).toEqual([]);
  });
});
