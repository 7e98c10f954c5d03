import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { freshRoom, join } from "./client";

/** The sessions the room has written to its members table, sorted. */
function storedSessions(room: string): Promise<string[]> {
  return runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) => {
    const exists = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'members'").toArray().length > 0;
    if (!exists) return [];
    return state.storage.sql
      .exec<{ session: string }>("SELECT session FROM members ORDER BY session")
      .toArray()
      .map((r) => r.session);
  });
}

describe("the members table under a storm of joins", () => {
  it("ends up holding every member who came at once (more than one statement's worth), and none once they quit", async () => {
    const room = freshRoom();
    const sessions = Array.from({ length: 60 }, (_, i) => `member-session-${String(i).padStart(2, "0")}`);
    const clients = await Promise.all(
      sessions.map((session, i) => join(room, { username: `m${i}`, session }).then((j) => j.client)),
    );
    await vi.waitFor(async () => expect(await storedSessions(room)).toEqual(sessions), { timeout: 5000, interval: 50 });
    for (const c of clients) c.send({ type: "quit", payload: {} });
    await Promise.all(clients.map((c) => c.closed));
    await vi.waitFor(async () => expect(await storedSessions(room)).toEqual([]), { timeout: 5000, interval: 50 });
  });
});
