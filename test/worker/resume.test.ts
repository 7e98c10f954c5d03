import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryFrame } from "../../src/protocol";
import { framesOf, freshRoom, join } from "./client";

type Page = { messages: HistoryFrame[]; hasMore: boolean };
const api = async (path: string) => (await exports.default.fetch(`http://hallway.test${path}`)).json<Page>();
const ids = (frames: { payload: { id: number } }[]) => frames.map((f) => f.payload.id);

describe("honest resume", () => {
  it("keeps one epoch for the room's history, told in every welcome", async () => {
    const room = freshRoom();
    const { client: alice, welcome: first } = await join(room, { username: "alice" });
    const { client: bob, welcome: second } = await join(room, { username: "bob" });
    expect(first.epoch).toMatch(/^[0-9a-f]{16}$/);
    expect(second.epoch).toBe(first.epoch);
    alice.close();
    bob.close();
  });

  it("resumes with since and the right epoch: only what was missed, no reset", async () => {
    const room = freshRoom();
    const { client: alice, welcome } = await join(room, { username: "alice" });
    alice.send("before");
    const before = await alice.waitFor("chatMessage");
    alice.send("after");
    await alice.waitFor("chatMessage");
    const { client: back } = await join(room, {
      username: "reader",
      since: String(before.payload.id),
      epoch: welcome.epoch,
    });
    const history = framesOf(back, "history")[0]?.payload;
    expect(history?.reset).toBeUndefined();
    expect(history?.messages.map((f) => (f.type === "chatMessage" ? f.payload.message : f.type))).toEqual(["after"]);
    alice.close();
    back.close();
  });

  it("answers a wrong epoch with reset and a fresh replay, ignoring since", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("one");
    alice.send("two");
    await alice.waitFor("chatMessage", (f) => f.payload.message === "two");
    const { client: stale } = await join(room, { username: "stale", since: "2", epoch: "from-another-life" });
    const history = framesOf(stale, "history")[0]?.payload;
    expect(history?.reset).toBe(true);
    expect(history?.messages.flatMap((f) => (f.type === "chatMessage" ? [f.payload.message] : []))).toEqual([
      "one",
      "two",
    ]);
    alice.close();
    stale.close();
  });

  it("fills a truncated resume's gap exactly with after=", async () => {
    const room = freshRoom();
    const { client: alice, welcome } = await join(room, { username: "alice" });
    alice.send("seen");
    const seen = await alice.waitFor("chatMessage");
    for (let i = 1; i <= 150; i++) alice.send(`m${i}`);
    await alice.waitFor("chatMessage", (f) => f.payload.message === "m150", 10_000);

    const { client: back } = await join(room, {
      username: "back",
      since: String(seen.payload.id),
      epoch: welcome.epoch,
    });
    const history = framesOf(back, "history")[0]?.payload;
    expect(history?.truncated).toBe(true);
    const replayed = ids(history?.messages ?? []);
    const firstReplayed = replayed[0] ?? 0;
    // The gap's size is told: every message between what was seen and the replay.
    expect(history?.missed).toBe(firstReplayed - seen.payload.id - 1);

    // The gap: everything after what was seen and before the first replayed entry.
    const filled: number[] = [];
    let after = seen.payload.id;
    for (let pages = 0; pages < 10; pages++) {
      const page = await api(`/api/rooms/${room}/history?after=${after}&limit=40`);
      const fresh = ids(page.messages).filter((id) => id < firstReplayed);
      filled.push(...fresh);
      after = page.messages.at(-1)?.payload.id ?? after;
      if (fresh.length < page.messages.length || !page.hasMore) break;
    }
    const all = [...filled, ...replayed];
    const sent = framesOf(alice, "chatMessage")
      .map((f) => f.payload.id)
      .filter((id) => id > seen.payload.id);
    // Every message after `seen` exactly once, in order, with nothing else missing.
    expect(all.filter((id) => sent.includes(id))).toEqual(sent);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    alice.close();
    back.close();
  });

  it("pages after an id oldest first and says when more follow", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    for (let i = 1; i <= 5; i++) alice.send(`m${i}`);
    const last = await alice.waitFor("chatMessage", (f) => f.payload.message === "m5");
    const first = framesOf(alice, "chatMessage")[0]?.payload.id ?? 0;
    const page = await api(`/api/rooms/${room}/history?after=${first}&limit=3`);
    expect(page.messages.map((f) => (f.type === "chatMessage" ? f.payload.message : ""))).toEqual(["m2", "m3", "m4"]);
    expect(page.hasMore).toBe(true);
    const rest = await api(`/api/rooms/${room}/history?after=${page.messages.at(-1)?.payload.id}&limit=3`);
    expect(ids(rest.messages)).toEqual([last.payload.id]);
    expect(rest.hasMore).toBe(false);
    const both = await exports.default.fetch(`http://hallway.test/api/rooms/${room}/history?after=1&before=9`);
    expect(both.status).toBe(400);
    alice.close();
  });
});
