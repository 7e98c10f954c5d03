import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

/** The events of the `system` notices in a replay, with whom they name. */
function noticesIn(history: { messages: { type: string; payload: unknown }[] } | undefined): string[] {
  return (history?.messages ?? []).flatMap((m) => {
    if (m.type !== "system") return [];
    const p = m.payload as { event: string; username: string };
    return [`${p.event}:${p.username}`];
  });
}

describe("a replay after a busy stretch of comings and goings", () => {
  it("still carries a kick older than the newest 100 notices, on a first visit and on a resume", async () => {
    const room = freshRoom();
    const { client: op, welcome } = await join(room, { username: "op" });
    op.send("hello");
    const hello = await op.waitFor("chatMessage");
    const { client: bob } = await join(room, { username: "bob" });
    op.send("/kick bob");
    await bob.closed;
    // 120 notices after the kick: 60 people come and go, one by one.
    for (let i = 0; i < 60; i++) {
      const { client } = await join(room, { username: `visitor${i}` });
      client.send({ type: "quit", payload: {} });
      await client.closed;
    }
    await op.sync();
    const { client: fresh } = await join(room, { username: "fresh" });
    expect(noticesIn(framesOf(fresh, "history")[0]?.payload)).toContain("kick:bob");
    const { client: back } = await join(room, {
      username: "back",
      since: String(hello.payload.id - 1),
      epoch: welcome.epoch,
    });
    const replay = framesOf(back, "history")[0]?.payload;
    expect(replay?.truncated).toBe(false);
    expect(noticesIn(replay)).toContain("kick:bob");
    for (const c of [op, fresh, back]) c.close();
  }, 30_000);
});
