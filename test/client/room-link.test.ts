import { describe, expect, it } from "vitest";
import { roomLink } from "../../src/client/web/room-link";

describe("a room's link", () => {
  it("names its room, or says why the name in it is not one", () => {
    expect(roomLink("/r/lobby")).toEqual({ ok: true, room: "lobby" });
    expect(roomLink("/r/dev_ops-2/")).toEqual({ ok: true, room: "dev_ops-2" });
    expect(roomLink("/r/has%20space")).toEqual({
      ok: false,
      typed: "has space",
      problem: "“has space” is not a room name: use 1-64 letters, digits, - and _.",
    });
    expect(roomLink(`/r/${"a".repeat(65)}`)).toMatchObject({
      ok: false,
      problem: `“${"a".repeat(40)}…” is not a room name: use 1-64 letters, digits, - and _.`,
    });
  });

  it("names the room in lower case, however the link spells it", () => {
    expect(roomLink("/r/Lobby")).toEqual({ ok: true, room: "lobby" });
    expect(roomLink("/r/DEV_Ops-2/")).toEqual({ ok: true, room: "dev_ops-2" });
  });

  it("reads a stray % as typed rather than failing", () => {
    expect(roomLink("/r/100%")).toMatchObject({ ok: false, typed: "100%" });
  });

  it("is no room link at all for other paths", () => {
    expect(roomLink("/")).toBeNull();
    expect(roomLink("/r/")).toBeNull();
    expect(roomLink("/stranger")).toBeNull();
    expect(roomLink("/r/a/b")).toBeNull();
  });
});
