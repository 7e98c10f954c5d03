import { describe, expect, it } from "vitest";
import {
  cleanJoined,
  joinedRooms,
  MAX_JOINED,
  mergeJoined,
  saveJoined,
  withoutRoom,
  withRoom,
} from "../../src/client/web/joined";

function store(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

const rooms = (n: number) => Array.from({ length: n }, (_, i) => `room${i}`);

describe("the rooms a browser keeps joined", () => {
  it("come back as saved, in order", () => {
    const s = store();
    saveJoined(s, ["lobby", "dev", "random"]);
    expect(joinedRooms(s)).toEqual(["lobby", "dev", "random"]);
  });

  it("are none when nothing or something damaged is stored", () => {
    expect(joinedRooms(store())).toEqual([]);
    expect(joinedRooms(store({ "hallway:joined": "{not json" }))).toEqual([]);
    expect(joinedRooms(store({ "hallway:joined": '{"lobby":1}' }))).toEqual([]);
  });

  it("list each room once, in lower case, leaving out what is no room name", () => {
    expect(cleanJoined(["Lobby", "lobby", "has space", 7, null, "dev"])).toEqual(["lobby", "dev"]);
  });

  it("hold at most twenty rooms", () => {
    expect(cleanJoined(rooms(25))).toHaveLength(MAX_JOINED);
    expect(MAX_JOINED).toBe(20);
  });

  it("refuse a twenty-first room, and keep a room already there in its place", () => {
    expect(withRoom(rooms(20), "one-more")).toBeNull();
    expect(withRoom(rooms(20), "room3")).toEqual(rooms(20));
    expect(withRoom(["lobby"], "dev")).toEqual(["lobby", "dev"]);
  });

  it("lose a room left", () => {
    expect(withoutRoom(["lobby", "dev"], "lobby")).toEqual(["dev"]);
  });

  it("join the account's on signing in, the account's first and none twice, up to twenty", () => {
    expect(mergeJoined(["dev", "lobby"], ["lobby", "random"])).toEqual(["dev", "lobby", "random"]);
    expect(mergeJoined(rooms(18), ["a", "b", "c"])).toEqual([...rooms(18), "a", "b"]);
  });
});
