import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RECENT_PARTNER_MS, RecentPartners } from "../../src/match/store/recent";
import type { MatchServerPayloads } from "../../src/protocol";
import { connectPath, freshRoom, type TestClient } from "./client";

async function seeker(username: string) {
  return connectPath("/match", { username, session: `${username}-${freshRoom("s")}`.slice(0, 60) });
}

function queue(client: TestClient, tag: string) {
  client.send({ type: "joinQueue", payload: { tags: [tag], wants: [tag] } });
}

async function next(client: TestClient, type: "matchFound" | "queueJoined") {
  const frame = await client.waitFor(type as never);
  return (frame as unknown as { payload: MatchServerPayloads[typeof type] }).payload;
}

describe("recent partners", () => {
  it("does not match two people again right after they were matched", async () => {
    const t = freshRoom("again").toLowerCase().slice(0, 20);
    const ann = await seeker("ann");
    const ben = await seeker("ben");
    queue(ann, t);
    await next(ann, "queueJoined");
    queue(ben, t);
    expect(await next(ben, "matchFound")).toMatchObject({ partner: "ann" });
    await next(ann, "matchFound");

    // "Next stranger" for both: compatible, both waiting, yet not put together again.
    queue(ben, t);
    expect(await next(ben, "queueJoined")).toEqual({ position: 1, waiting: 1 });
    queue(ann, t);
    expect(await next(ann, "queueJoined")).toEqual({ position: 2, waiting: 2, recent: 1 });
    // ben's place did not move, but he is told why nobody is matched with him.
    expect(await next(ben, "queueJoined")).toEqual({ position: 1, waiting: 2, recent: 1 });

    // Someone new is matched with the first in line.
    const cat = await seeker("cat");
    queue(cat, t);
    expect(await next(cat, "matchFound")).toMatchObject({ partner: "ben" });
    // With ben gone, ann waits alone again, and nothing is said of recent partners.
    expect(await next(ann, "queueJoined")).toEqual({ position: 1, waiting: 1 });
    for (const c of [ann, ben, cat]) c.close();
  });

  it("matches two recent partners who wait on once their ten minutes are up, without waiting for a newcomer", async () => {
    const t = freshRoom("later").toLowerCase().slice(0, 20);
    const sessions = [`ann-${freshRoom("s")}`, `ben-${freshRoom("s")}`];
    const [ann, ben] = await Promise.all(
      ["ann", "ben"].map((username, i) => connectPath("/match", { username, session: sessions[i] ?? "" })),
    );
    if (!ann || !ben) throw new Error("no seekers");
    queue(ann, t);
    await next(ann, "queueJoined");
    queue(ben, t);
    await next(ben, "matchFound");
    await next(ann, "matchFound");
    queue(ann, t);
    await next(ann, "queueJoined");
    queue(ben, t);
    expect(await next(ben, "queueJoined")).toEqual({ position: 2, waiting: 2, recent: 1 });

    // Their ten minutes run out while both still wait; nobody else comes.
    const matchmaker = env.MATCHMAKER.getByName("global");
    const alarm = await runInDurableObject(matchmaker, (_, state) => {
      const release = state.storage.sql
        .exec<{ until: number }>("SELECT until FROM recent_partners WHERE session = ?", sessions[0])
        .one().until;
      state.storage.sql.exec("UPDATE recent_partners SET until = ? WHERE session IN (?, ?)", Date.now(), ...sessions);
      return state.storage.getAlarm().then((at) => ({ at, release }));
    });
    // The alarm is due no later than their release (the idle deadline may come first).
    expect(alarm.at).not.toBeNull();
    expect(alarm.at ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(alarm.release);
    await runDurableObjectAlarm(matchmaker);
    expect(await next(ann, "matchFound")).toMatchObject({ partner: "ben" });
    expect(await next(ben, "matchFound")).toMatchObject({ partner: "ann" });
    for (const c of [ann, ben]) c.close();
  });

  it("remembers a pair both ways for ten minutes, then forgets it", async () => {
    const stub = env.MATCHMAKER.getByName(freshRoom("recent-store"));
    const seen = await runInDurableObject(stub, async (_, state) => {
      const recent = new RecentPartners(state.storage.sql);
      const before = [...recent.of("a", 0)];
      recent.matched("a", "b", 1000);
      const during = [[...recent.of("a", 2000)], [...recent.of("b", 2000)]];
      const after = [...recent.of("a", 1000 + RECENT_PARTNER_MS)];
      // Rows past their time go when the next pair is written.
      recent.matched("c", "d", 1000 + RECENT_PARTNER_MS);
      const rows = state.storage.sql.exec("SELECT session FROM recent_partners ORDER BY session").toArray();
      return { before, during, after, rows: rows.map((r) => r.session) };
    });
    expect(seen).toEqual({ before: [], during: [["b"], ["a"]], after: [], rows: ["c", "d"] });
  });
});
