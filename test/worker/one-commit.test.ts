import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "./client";

/**
 * What a restart would find, read the moment an event is done: the members
 * table's sessions and the history's join and leave notices. A restart sees
 * whatever is committed, so each event's notice and member row must be in
 * storage together, not one now and the other at the next flush.
 */
function storedNow(room: string) {
  return runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
    const sql = state.storage.sql;
    const has = (table: string) =>
      sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).toArray().length > 0;
    const members = has("members")
      ? sql
          .exec<{ record: string }>("SELECT record FROM members")
          .toArray()
          .map((r) => (JSON.parse(r.record) as { username: string }).username)
          .sort()
      : [];
    const notices = has("history")
      ? sql
          .exec<{ frame: string }>("SELECT frame FROM history WHERE type = 'system' ORDER BY id")
          .toArray()
          .map((r) => JSON.parse(r.frame) as { payload: { event: string; username: string } })
          .map((f) => `${f.payload.event}:${f.payload.username}`)
      : [];
    return { members, notices };
  });
}

describe("one event, one commit", () => {
  it("stores a quit's leave notice together with the member's row going, so a restart cannot tell it twice", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    bob.send({ type: "quit", payload: {} });
    await bob.closed;
    // The close frame leaves with the event's other effects; nothing later may still be waiting to be written.
    const stored = await storedNow(room);
    expect(stored.notices).toContain("leave:bob");
    expect(stored.members).toEqual(["alice"]);
    alice.close();
  });

  it("stores a join notice together with the member's row, even when the room's flush is still waiting", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    // Alice's join was just flushed: bob's arrival falls inside the coalescing wait.
    const bob = await connect(room, { username: "bob" });
    await bob.waitFor("welcome");
    const stored = await storedNow(room);
    expect(stored.notices).toEqual(["join:alice", "join:bob"]);
    expect(stored.members).toEqual(["alice", "bob"]);
    alice.close();
    bob.close();
  });
});
