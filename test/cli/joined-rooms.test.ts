import { describe, expect, it } from "vitest";
import { JoinedRooms, MAX_JOINED_ROOMS } from "../../src/client/cli/joined-rooms";
import { roomCommand } from "../../src/client/cli/room-commands";

const visit = (room: string) => ({ room });

describe("JoinedRooms", () => {
  it("makes a joined room current, and after leaving it the one joined most recently before it", () => {
    const rooms = new JoinedRooms<{ room: string }>();
    const [a, b, c] = [visit("a"), visit("b"), visit("c")];
    rooms.add(a);
    rooms.add(b);
    rooms.add(c);
    rooms.switchTo(a);
    rooms.remove(a);
    expect(rooms.current).toBe(c);
    rooms.remove(b);
    expect(rooms.current).toBe(c);
    rooms.remove(c);
    expect(rooms.current).toBeNull();
  });

  it(`is full at ${MAX_JOINED_ROOMS} rooms`, () => {
    const rooms = new JoinedRooms<{ room: string }>();
    for (let i = 1; i < MAX_JOINED_ROOMS; i++) rooms.add(visit(`r${i}`));
    expect(rooms.full).toBe(false);
    rooms.add(visit("last"));
    expect(rooms.full).toBe(true);
    expect(rooms.find("last")?.room).toBe("last");
  });
});

describe("roomCommand", () => {
  it("reads /join and /part as IRC writes them, names in any case and with or without #", () => {
    expect(roomCommand("/join #Ops")).toEqual({ kind: "join", room: "ops", typed: "#Ops" });
    expect(roomCommand("/JOIN lobby ")).toEqual({ kind: "join", room: "lobby", typed: "lobby" });
    expect(roomCommand("/part")).toEqual({ kind: "part", room: null });
    expect(roomCommand("/part #ops")).toEqual({ kind: "part", room: "ops", typed: "#ops" });
  });

  it("marks what is not a room name, and leaves other lines alone", () => {
    expect(roomCommand("/join two words")).toMatchObject({ kind: "join", room: null });
    expect(roomCommand("/join")).toMatchObject({ kind: "join", room: null });
    expect(roomCommand("/search  deploy done ")).toEqual({ kind: "search", words: "deploy done" });
    expect(roomCommand("/joined")).toBeNull();
    expect(roomCommand("join ops")).toBeNull();
    expect(roomCommand("//join ops")).toBeNull();
  });
});
