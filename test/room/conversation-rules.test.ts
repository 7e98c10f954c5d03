import { describe, expect, it } from "vitest";
import type { SignedInAccount } from "../../src/room/core";
import { RoomSimulator } from "./simulator";

const ANN: SignedInAccount = { id: "a".repeat(20), name: "ann", session: "1".repeat(16) };
const BOB: SignedInAccount = { id: "b".repeat(20), name: "bob", session: "2".repeat(16) };
const CARL: SignedInAccount = { id: "c".repeat(20), name: "carl", session: "3".repeat(16) };

function conversation(blockers: string[] = []) {
  const sim = new RoomSimulator();
  sim.context.conversation = { parties: [ANN.id, BOB.id], blockers: new Set(blockers) };
  const ann = sim.join(null, null, undefined, undefined, ANN);
  const bob = sim.join(null, null, undefined, undefined, BOB);
  return { sim, ann: ann.id, bob: bob.id };
}

const said = (sim: RoomSimulator, conn: string) =>
  sim.frames(conn).flatMap((f) => (f.type === "chatMessage" ? [f.payload.message] : []));

describe("a conversation's rules", () => {
  it("takes only its two accounts, runs with nobody in charge, and announces nobody", () => {
    const { sim, ann, bob } = conversation();
    expect(sim.member(ann)?.operator).toBe(false);
    expect(sim.member(bob)?.operator).toBe(false);
    expect(sim.history).toEqual([]);
    expect(sim.join(null, null, undefined, undefined, CARL).outcome).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(sim.join("drifter").outcome).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("tells both accounts' lists of each message that passes, and refuses in-room DMs", () => {
    const { sim, ann, bob } = conversation();
    sim.command(ann, JSON.stringify({ type: "chatMessage", payload: { message: "hi" } }));
    expect(sim.toldAccounts).toEqual([{ from: ANN.id, id: 1, ts: sim.now }]);
    expect(said(sim, bob)).toEqual(["hi"]);
    sim.command(bob, JSON.stringify({ type: "dm", payload: { to: "ann", message: "psst" } }));
    expect(sim.frames(bob).at(-1)).toMatchObject({ type: "error", payload: { code: "not_allowed" } });
  });

  it("once blocked, keeps the blocked person's messages for them alone, tells nobody, and refuses the blocker's", () => {
    const { sim, ann, bob } = conversation([BOB.id]);
    sim.command(ann, JSON.stringify({ type: "typing", payload: {} }));
    sim.command(ann, JSON.stringify({ type: "chatMessage", payload: { message: "hello?", clientId: "x" } }));
    expect(said(sim, ann)).toEqual(["hello?"]);
    expect(sim.frames(ann).some((f) => f.type === "error")).toBe(false);
    expect(sim.frames(bob).some((f) => f.type === "typing" || f.type === "chatMessage")).toBe(false);
    expect(sim.toldAccounts).toEqual([]);
    sim.command(bob, JSON.stringify({ type: "chatMessage", payload: { message: "no" } }));
    expect(sim.frames(bob).at(-1)).toMatchObject({ type: "error", payload: { code: "blocked" } });

    // Each one's replay: Ann's hidden message is hers alone.
    const annBack = sim.join(null, null, undefined, undefined, ANN);
    const bobBack = sim.join(null, null, undefined, undefined, BOB);
    const replayed = (conn: string) =>
      sim
        .frames(conn)
        .flatMap((f) => (f.type === "history" ? f.payload.messages : []))
        .flatMap((m) => (m.type === "chatMessage" ? [m.payload.message] : []));
    expect(replayed(annBack.id)).toEqual(["hello?"]);
    expect(replayed(bobBack.id)).toEqual([]);
  });
});
