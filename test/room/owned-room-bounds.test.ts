import { describe, expect, it } from "vitest";
import { MAX_OPERATORS } from "../../src/room/core/ownership";
import { RoomSimulator } from "./simulator";

describe("an owned room's operators", () => {
  it("are at most 20: the owner's next /op is refused until one is taken back", () => {
    const room = new RoomSimulator();
    const owner = room.join(null, null, undefined, undefined, { id: "a".repeat(20), name: "olive", session: "s1" });
    room.roleOf.set("a".repeat(20), { name: "olive", role: "owner" });
    for (let i = 0; i < MAX_OPERATORS; i++)
      room.roleOf.set(`${i}`.padStart(20, "c"), { name: `op${i}`, role: "operator" });
    const next = room.join(null, null, undefined, undefined, { id: "b".repeat(20), name: "newop", session: "s2" });
    expect(next.outcome.ok).toBe(true);
    room.command(owner.id, "/op newop");
    const errors = room.frames(owner.id).flatMap((f) => (f.type === "error" ? [f.payload.message] : []));
    expect(errors).toEqual([`a room has at most ${MAX_OPERATORS} operators; /deop one first`]);
    room.command(owner.id, "/deop op0");
    room.command(owner.id, "/op newop");
    expect(room.roleOf.get("b".repeat(20))).toEqual({ name: "newop", role: "operator" });
  });
});
