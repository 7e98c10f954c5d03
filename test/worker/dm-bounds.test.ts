import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DM_PAIR_RETENTION, DM_RETENTION } from "../../src/protocol";
import { framesOf, freshRoom, join, type TestClient } from "./client";

/** How many DMs the room's storage holds: in all, and per pair of people. */
function storedDms(room: string) {
  return runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
    const rows = state.storage.sql
      .exec<{ from_session: string; to_session: string }>("SELECT from_session, to_session FROM dms")
      .toArray();
    const pairs = new Map<string, number>();
    for (const r of rows) {
      const key = [r.from_session, r.to_session].sort().join(" ");
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    return { total: rows.length, largestPair: Math.max(0, ...pairs.values()) };
  });
}

/** Sends `count` DMs and waits for the last one's ack, so all are stored. */
async function dmMany(from: TestClient, to: string, count: number) {
  for (let i = 0; i < count; i++) {
    from.send({ type: "dm", payload: { to, message: `dm ${i} to ${to}`, clientId: `${to}-${i}` } });
  }
  await from.waitFor("ack", (f) => f.payload.clientId === `${to}-${count - 1}`, 10_000);
}

describe("DMs in a room where nobody chats", () => {
  it(`keep at most ${DM_PAIR_RETENTION} between two people, the newest, and leave other pairs alone`, async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob, welcome } = await join(room, { username: "bob" });
    const { client: carol } = await join(room, { username: "carol" });
    await dmMany(alice, "carol", 5);
    await dmMany(alice, "bob", DM_PAIR_RETENTION + 200);
    const stored = await storedDms(room);
    expect(stored.largestPair).toBe(DM_PAIR_RETENTION);
    expect(stored.total).toBe(DM_PAIR_RETENTION + 5);
    // Another tab of bob's is replayed the newest of them, and told older ones exist.
    const { client: tab } = await join(room, { session: welcome.session });
    const [history] = framesOf(tab, "history");
    const dms = (history?.payload.messages ?? []).flatMap((m) => (m.type === "dm" ? [m.payload.message] : []));
    expect(dms.at(-1)).toBe(`dm ${DM_PAIR_RETENTION + 199} to bob`);
    expect(history?.payload.truncated).toBe(true);
    for (const c of [alice, bob, carol, tab]) c.close();
  }, 60_000);

  it(`keep at most about ${DM_RETENTION} in the room, however many pairs write`, async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const others = ["bob", "carol", "dave", "erin", "fay"];
    const clients = await Promise.all(others.map((name) => join(room, { username: name }).then((j) => j.client)));
    for (const name of others) await dmMany(alice, name, DM_PAIR_RETENTION);
    const stored = await storedDms(room);
    expect(stored.total).toBeGreaterThanOrEqual(DM_RETENTION);
    expect(stored.total).toBeLessThan(DM_RETENTION + 50);
    for (const c of [alice, ...clients]) c.close();
  }, 60_000);

  it("are pruned on the first DM after the room wakes, however few come between its sleeps", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    await dmMany(alice, "bob", 1);
    // A room that slept between every few DMs for a long time: more DMs than it keeps, from many pairs.
    const stub = env.CHAT_ROOM.getByName(room);
    await runInDurableObject(stub, (_, state) => {
      for (let i = 0; i < DM_RETENTION + 400; i++) {
        state.storage.sql.exec(
          "INSERT INTO dms (id, from_session, to_session, frame, pair) VALUES (?, ?, ?, ?, ?)",
          1_000_000 + i,
          `from-${i}`,
          `to-${i}`,
          "{}",
          `from-${i} to-${i}`,
        );
      }
    });
    await evictDurableObject(stub);
    alice.send({ type: "dm", payload: { to: "bob", message: "one more", clientId: "after-waking" } });
    await alice.waitFor("ack", (f) => f.payload.clientId === "after-waking");
    expect((await storedDms(room)).total).toBeLessThanOrEqual(DM_RETENTION + 1);
    for (const c of [alice, bob]) c.close();
  });
});
