import { describe, expect, it } from "vitest";
import type { SignedInAccount } from "../../src/room/core";
import { RoomSimulator } from "./simulator";

const ANN: SignedInAccount = { id: "a".repeat(20), name: "ann", session: "1".repeat(16) };
const BOB: SignedInAccount = { id: "b".repeat(20), name: "bob", session: "2".repeat(16) };
const CARL: SignedInAccount = { id: "c".repeat(20), name: "carl", session: "3".repeat(16) };

function conversation() {
  const sim = new RoomSimulator();
  const names = new Map([
    [ANN.id, ANN.name],
    [BOB.id, BOB.name],
  ]);
  sim.context.conversation = { parties: [ANN.id, BOB.id], names, blockers: new Map() };
  const ann = sim.join(null, null, undefined, undefined, ANN);
  const bob = sim.join(null, null, undefined, undefined, BOB);
  const block = (blocker: SignedInAccount) => {
    sim.context.conversation = { parties: [ANN.id, BOB.id], names, blockers: new Map([[blocker.id, sim.lastId]]) };
  };
  return { sim, ann: ann.id, bob: bob.id, block };
}

const said = (sim: RoomSimulator, conn: string) =>
  sim.frames(conn).flatMap((f) => (f.type === "chatMessage" ? [f.payload.message] : []));
const send = (sim: RoomSimulator, conn: string, type: string, payload: object) =>
  sim.command(conn, JSON.stringify({ type, payload }));

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

  it("tells both accounts' lists of each message, and refuses in-room DMs", () => {
    const { sim, ann, bob } = conversation();
    send(sim, ann, "chatMessage", { message: "hi" });
    expect(sim.toldAccounts).toEqual([{ to: [ANN.id, BOB.id], from: ANN.id, id: 1, ts: sim.now }]);
    expect(said(sim, bob)).toEqual(["hi"]);
    send(sim, bob, "dm", { to: "ann", message: "psst" });
    expect(sim.frames(bob).at(-1)).toMatchObject({ type: "error", payload: { code: "not_allowed" } });
    // Nor has it a topic, and it does not suggest an /own that cannot be.
    sim.command(ann, "/topic our plans");
    expect(sim.frames(ann).at(-1)).toMatchObject({
      type: "error",
      payload: { code: "not_allowed", message: "a private conversation has no topic" },
    });
  });

  it("once blocked, the blocked person goes on as ever and nothing of theirs reaches the blocker, live or replayed", () => {
    const { sim, ann, bob, block } = conversation();
    send(sim, bob, "chatMessage", { message: "before" });
    block(BOB);
    send(sim, ann, "typing", {});
    send(sim, ann, "chatMessage", { message: "hello?", clientId: "x" });
    const hello = sim.lastId;
    send(sim, ann, "edit", { id: hello, message: "hello??" });
    send(sim, ann, "react", { id: 1, emoji: "👍" });
    expect(said(sim, ann)).toEqual(["before", "hello?"]);
    expect(sim.frames(ann).some((f) => f.type === "error")).toBe(false);
    expect(sim.frames(bob).some((f) => ["typing", "messageUpdated", "reaction"].includes(f.type))).toBe(false);
    expect(said(sim, bob)).toEqual(["before"]);
    expect(sim.toldAccounts.at(-1)).toMatchObject({ to: [ANN.id], from: ANN.id });

    // The blocker is told why their own sends go nowhere.
    for (const [type, payload] of [
      ["chatMessage", { message: "no" }],
      ["edit", { id: 1, message: "changed" }],
      ["react", { id: hello, emoji: "👍" }],
    ] as const) {
      send(sim, bob, type, payload);
      expect(sim.frames(bob).at(-1)).toMatchObject({ type: "error", payload: { code: "blocked" } });
    }

    const replayed = (conn: string) =>
      sim
        .frames(conn)
        .flatMap((f) => (f.type === "history" ? f.payload.messages : []))
        .flatMap((m) => (m.type === "chatMessage" ? [[m.payload.message, m.payload.reactions ?? {}] as const] : []));
    const annBack = sim.join(null, null, undefined, undefined, ANN);
    const bobBack = sim.join(null, null, undefined, undefined, BOB);
    expect(replayed(annBack.id)).toEqual([
      ["before", { "👍": ["ann"] }],
      ["hello??", {}],
    ]);
    expect(replayed(bobBack.id)).toEqual([["before", {}]]);
  });
});
