import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryFrame } from "../../src/protocol";
import { freshRoom, join } from "./client";
import { privateRoom } from "./tickets";

const get = (path: string) => exports.default.fetch(`http://hallway.test${path}`);
type Results = { results: { id: number; ts: number; username: string; snippet: string }[]; hasMore: boolean };
type Page = { messages: HistoryFrame[]; hasMore: boolean };

/** The ids a search finds in `room`. */
async function search(room: string, q: string): Promise<number[]> {
  const res = await get(`/api/rooms/${room}/search?q=${encodeURIComponent(q)}`);
  expect(res.status, q).toBe(200);
  return (await res.json<Results>()).results.map((r) => r.id);
}

describe("search", () => {
  it("finds what was said, newest first, with who said it and the words marked, and tells the room's time", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("the release is on Friday");
    alice.send("lunch first");
    alice.send("Friday it is");
    const last = await alice.waitFor("chatMessage", (f) => f.payload.message === "Friday it is");
    const res = await get(`/api/rooms/${room}/search?q=friday&limit=1`);
    expect(res.headers.get("Server-Timing")).toMatch(/^room;dur=[\d.]+, call;dur=[\d.]+$/);
    const body = await res.json<Results>();
    expect(body).toEqual({
      results: [{ id: last.payload.id, ts: last.payload.ts, username: "alice", snippet: "\uE000Friday\uE001 it is" }],
      hasMore: true,
    });
    const older = await get(`/api/rooms/${room}/search?q=friday&before=${last.payload.id}`);
    expect((await older.json<Results>()).results.map((r) => r.snippet)).toEqual([
      "the release is on \uE000Friday\uE001",
    ]);
    alice.close();
  });

  it("finds an edited message by its new words at once, and a deleted one no more", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("meet at the station");
    alice.send("bring an umbrella");
    const edited = await alice.waitFor("chatMessage", (f) => f.payload.message === "meet at the station");
    const deleted = await alice.waitFor("chatMessage", (f) => f.payload.message === "bring an umbrella");
    alice.send({ type: "edit", payload: { id: edited.payload.id, message: "meet at the harbour", clientId: "e1" } });
    alice.send({ type: "delete", payload: { id: deleted.payload.id, clientId: "d1" } });
    await alice.waitFor("messageUpdated", (f) => f.payload.deleted === true);
    expect(await search(room, "station")).toEqual([]);
    expect(await search(room, "harbour")).toEqual([edited.payload.id]);
    expect(await search(room, "umbrella")).toEqual([]);
    alice.close();
  });

  it("takes FTS5 syntax in q as words and never errors", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    alice.send("NEAR(a b) or not");
    const said = await alice.waitFor("chatMessage");
    for (const q of ['"', "NEAR(a b)", "*", "-x", "a OR b", ")", '"a', "a AND", "^", "b:c"]) await search(room, q);
    expect(await search(room, "NEAR(a b)")).toEqual([said.payload.id]);
    expect(await search(room, "or")).toEqual([said.payload.id]);
    alice.close();
  });

  it("refuses a query with no words, and a bad limit, with bad_request", async () => {
    const room = freshRoom();
    for (const path of ["search", "search?q=", "search?q=%20%20", "search?q=x&limit=51", "search?q=x&before=-2"]) {
      const res = await get(`/api/rooms/${room}/${path}`);
      expect(res.status, path).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("bad_request");
    }
  });

  it("is not there for a private room, as its history is not", async () => {
    const res = await get(`/api/rooms/${privateRoom()}/search?q=hello`);
    expect(res.status).toBe(403);
  });
});

describe("a lasting history", () => {
  it("pages back past the old 1,100 messages to the very first", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const total = 1_500;
    for (let i = 1; i <= total; i++) alice.send(`m${i}`);
    await alice.waitFor("chatMessage", (f) => f.payload.message === `m${total}`, 30_000);
    const said: string[] = [];
    let before = "";
    for (;;) {
      const page = await (await get(`/api/rooms/${room}/history?limit=100${before}`)).json<Page>();
      said.unshift(...page.messages.flatMap((f) => (f.type === "chatMessage" ? [f.payload.message] : [])));
      if (!page.hasMore) break;
      before = `&before=${page.messages[0]?.payload.id}`;
    }
    expect(said).toHaveLength(total);
    expect(said[0]).toBe("m1");
    expect(await search(room, "m1")).toHaveLength(1);
    alice.close();
  }, 60_000);
});
