import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

// What a person gets back on resume (`since`, `epoch`): everything they missed,
// or `truncated` so the client can say there is a gap and fill it.

const lastIdSeen = (client: Awaited<ReturnType<typeof join>>["client"]) =>
  Math.max(
    0,
    ...client.received.flatMap((f) =>
      typeof f === "object" && "payload" in f && typeof (f.payload as { id?: unknown }).id === "number"
        ? [(f.payload as { id: number }).id]
        : [],
    ),
  );

describe("resuming within the grace", () => {
  // A person away while more than 100 DMs came in gets them all on resume
  // (as far back as DMs are kept), or is told the replay was cut.
  it("gives back every DM missed while away, or says the replay was cut", async () => {
    const room = freshRoom();
    const session = `alice-${crypto.randomUUID().slice(0, 12)}`;
    const { client: alice, welcome } = await join(room, { username: "alice", session });
    const { client: bob } = await join(room, { username: "bob" });
    await alice.sync();
    const since = lastIdSeen(alice);
    alice.close(4999);
    await alice.closed;

    // Within alice's reconnect grace (2 s here), bob writes to her 101 times.
    const count = 101;
    for (let i = 0; i < count; i++) {
      bob.send({ type: "dm", payload: { to: "alice", message: `dm ${i}`, clientId: `d-${i}` } });
    }
    await bob.waitFor("ack", (f) => f.payload.clientId === `d-${count - 1}`);

    const { client: back } = await join(room, {
      username: "alice",
      session,
      since: String(since),
      epoch: welcome.epoch,
    });
    const history = framesOf(back, "history")[0]?.payload;
    const dms = history?.messages.filter((f) => f.type === "dm") ?? [];
    // Today: 100 of them, and truncated: false.
    expect({ dms: dms.length, truncated: history?.truncated }).toEqual(
      dms.length === count ? { dms: count, truncated: history?.truncated } : { dms: dms.length, truncated: true },
    );
    back.close();
    bob.close();
  });

  it("gives a member back within the grace the chat, notices and DMs they missed, in id order, once", async () => {
    const room = freshRoom();
    const session = `alice-${crypto.randomUUID().slice(0, 12)}`;
    const { client: alice, welcome } = await join(room, { username: "alice", session });
    const { client: bob } = await join(room, { username: "bob" });
    await alice.sync();
    const since = lastIdSeen(alice);
    alice.close(4999);
    await alice.closed;
    bob.send("one");
    bob.send("/msg alice two");
    await bob.waitFor("dm");
    const { client: carol } = await join(room, { username: "carol" });
    bob.send("three");
    await bob.waitFor("chatMessage", (f) => f.payload.message === "three");
    await carol.sync();

    const { client: back } = await join(room, {
      username: "alice",
      session,
      since: String(since),
      epoch: welcome.epoch,
    });
    const history = framesOf(back, "history")[0]?.payload;
    const seen = history?.messages.map((f) =>
      f.type === "chatMessage" ? f.payload.message : f.type === "dm" ? `dm:${f.payload.message}` : f.payload.text,
    );
    expect(seen).toEqual(["one", "dm:two", "carol joined", "three"]);
    expect(history?.truncated).toBe(false);
    const ids = history?.messages.map((f) => f.payload.id) ?? [];
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBeGreaterThan(since);
    for (const c of [back, bob, carol]) c.close();
  });

  // An edit, delete or reaction made while someone was away reaches them on
  // resume as a messageUpdated, so no superseded text stays on their screen.
  it("tells someone back within the grace that a message they had was deleted meanwhile", async () => {
    const room = freshRoom();
    const session = `bob-${crypto.randomUUID().slice(0, 12)}`;
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob, welcome } = await join(room, { username: "bob", session });
    alice.send("something I regret");
    const said = await bob.waitFor("chatMessage");
    await bob.sync();
    const since = lastIdSeen(bob);
    bob.close(4999);
    await bob.closed;
    alice.send({ type: "delete", payload: { id: said.payload.id, clientId: "del-1" } });
    await alice.waitFor("ack", (f) => f.payload.clientId === "del-1");

    const { client: back } = await join(room, { username: "bob", session, since: String(since), epoch: welcome.epoch });
    await back.sync();
    const told =
      framesOf(back, "messageUpdated").some((f) => f.payload.id === said.payload.id && f.payload.deleted === true) ||
      (framesOf(back, "history")[0]?.payload.messages ?? []).some(
        (f) => f.type === "chatMessage" && f.payload.id === said.payload.id && f.payload.deleted === true,
      );
    expect(told).toBe(true);
    back.close();
    alice.close();
  });
});
