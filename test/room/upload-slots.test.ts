import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { takeSlot } from "../../src/room/core";
import { UPLOAD_SLOT_MS } from "../../src/room/core/uploads";
import { RoomSimulator } from "./simulator";

const ask = (name: string, size: number, clientId = "f1") =>
  JSON.stringify({ type: "uploadSlot", payload: { name, size, type: "image/png", clientId } });

const last = (frames: ServerFrame[]) => frames[frames.length - 1];

describe("upload slots (v1.10)", () => {
  it("are granted to the person who asked, in this room, for ten minutes, with an unguessable token", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    room.send(ann.id, ask("cat.png", 1234));
    const answer = last(room.frames(ann.id));
    expect(answer?.type).toBe("uploadSlot");
    if (answer?.type !== "uploadSlot") return;
    const { token, url, expiresAt, clientId } = answer.payload;
    expect(clientId).toBe("f1");
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(url).toBe(`/files/${room.state.room}/${token}`);
    expect(expiresAt).toBe(room.now + UPLOAD_SLOT_MS);
    expect(room.uploads).toEqual([
      { token, session: room.member(ann.id)?.session, name: "cat.png", size: 1234, expiresAt, state: "open" },
    ]);
  });

  it("are refused for a declared size over the limit, naming the request, and nothing is kept", () => {
    const room = new RoomSimulator({ maxFileBytes: 1000 });
    const ann = room.join("ann");
    room.send(ann.id, ask("big.bin", 1001, "big"));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "too_large", clientId: "big" });
    expect(room.uploads).toEqual([]);
  });

  it("are granted in a stranger room too (its files' addresses are signed), and refused for a name that is no file name", () => {
    const room = new RoomSimulator({}, { closed: false });
    const ann = room.join("ann");
    room.send(ann.id, ask("cat.png", 10));
    expect(last(room.frames(ann.id))).toMatchObject({ type: "uploadSlot", payload: { clientId: "f1" } });
    const open = new RoomSimulator();
    const bo = open.join("bo");
    open.send(bo.id, ask("../etc/passwd", 10, "bad"));
    expect(last(open.frames(bo.id))?.payload).toMatchObject({ code: "bad_message", clientId: "bad" });
    expect(open.uploads).toEqual([]);
  });

  it("open one upload: taken once, and never once expired", () => {
    const slot = { token: "t", session: "s", name: "a", size: 1, expiresAt: 1000, state: "open" as const };
    const taken = takeSlot(slot, 999);
    expect(taken).toEqual({ ok: true, slot: { ...slot, state: "taken" } });
    expect(takeSlot(taken.ok ? taken.slot : null, 999)).toEqual({ ok: false, why: "used" });
    expect(takeSlot(slot, 1000)).toEqual({ ok: false, why: "expired" });
    expect(takeSlot(null, 0)).toEqual({ ok: false, why: "unknown" });
  });
});
