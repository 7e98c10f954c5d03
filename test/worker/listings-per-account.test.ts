import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_LISTINGS_PER_ACCOUNT } from "../../src/account/core/account-limits";
import { claimKeys } from "../../src/account/core/claims";
import type { DirectoryPage } from "../../src/protocol";
import { Browser, freshName } from "./accounts";
import { freshRoom, join, type TestClient } from "./client";

// LISTINGS_PER_ACCOUNT is left at its default (10) in the worker project; DIRECTORY_REPORT_SECONDS is 1.

async function directory(prefix: string): Promise<string[]> {
  const res = await exports.default.fetch(`http://hallway.test/api/rooms?q=${prefix}&limit=100`);
  expect(res.status).toBe(200);
  return (await res.json<DirectoryPage>()).rooms.map((r) => r.room).sort();
}

/** Asks the directory until `check` holds, for at most 12 s. */
async function eventually(prefix: string, check: (rooms: string[]) => boolean): Promise<string[]> {
  const until = Date.now() + 12_000;
  for (;;) {
    const rooms = await directory(prefix);
    if (check(rooms) || Date.now() > until) return rooms;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A fresh account owning `count` fresh rooms, in each of which it sits. */
async function ownerOf(count: number) {
  const browser = new Browser();
  const name = freshName("lister");
  expect((await browser.claim(name)).status).toBe(200);
  const prefix = freshRoom("lst");
  const rooms: { room: string; client: TestClient }[] = [];
  for (let i = 0; i < count; i++) {
    const room = `${prefix}-${String(i).padStart(2, "0")}`;
    const { client } = await join(room, {}, browser.headers());
    client.send("/own");
    await client.waitFor("system", (f) => f.payload.event === "operator");
    rooms.push({ room, client });
  }
  return { browser, name, prefix, rooms };
}

/** Sends `/list` (or `/unlist`) and waits for the room's notice or the refusal. */
async function send(
  client: TestClient,
  line: "/list" | "/unlist",
): Promise<{ told: string } | { code: string; message: string }> {
  const before = client.received.length;
  client.send(line);
  const until = Date.now() + 8000;
  for (;;) {
    const frame = client.received
      .slice(before)
      .find(
        (f) => typeof f === "object" && (f.type === "error" || (f.type === "system" && f.payload.event === "info")),
      );
    if (typeof frame === "object" && frame.type === "error")
      return { code: frame.payload.code, message: frame.payload.message };
    if (typeof frame === "object" && frame.type === "system") return { told: frame.payload.text };
    if (Date.now() > until) throw new Error(`no answer to ${line}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("rooms one account lists", () => {
  it("refuses the 11th listing with a reason its owner sees, never shows it, and lets one in once another is unlisted", async () => {
    const max = DEFAULT_LISTINGS_PER_ACCOUNT;
    const { prefix, rooms } = await ownerOf(max + 1);
    for (const { client } of rooms.slice(0, max)) expect(await send(client, "/list")).toHaveProperty("told");
    const last = rooms[max];
    const first = rooms[0];
    if (!last || !first) throw new Error("no room");
    const refused = await send(last.client, "/list");
    expect(refused).toEqual({ code: "not_allowed", message: expect.stringContaining(`you list ${max} rooms already`) });
    expect(refused).toEqual(expect.objectContaining({ message: expect.stringContaining("/unlist one") }));
    const listed = await eventually(prefix, (found) => found.length === max);
    expect(listed).toEqual(rooms.slice(0, max).map((r) => r.room));
    expect(await send(first.client, "/unlist")).toHaveProperty("told");
    expect(await send(last.client, "/list")).toHaveProperty("told");
    const after = await eventually(prefix, (found) => found.includes(last.room) && !found.includes(first.room));
    expect(after).toEqual(rooms.slice(1).map((r) => r.room));
  });

  it("gives the last place to only one of two rooms listed at the same moment", async () => {
    const max = DEFAULT_LISTINGS_PER_ACCOUNT;
    const { rooms } = await ownerOf(max + 1);
    for (const { client } of rooms.slice(0, max - 1)) expect(await send(client, "/list")).toHaveProperty("told");
    const [a, b] = rooms.slice(max - 1);
    if (!a || !b) throw new Error("no room");
    const answers = await Promise.all([send(a.client, "/list"), send(b.client, "/list")]);
    expect(answers.filter((answer) => "told" in answer)).toHaveLength(1);
    expect(answers.filter((answer) => "code" in answer && answer.code === "not_allowed")).toHaveLength(1);
  });

  it("gives back a place held by a room that is not listed after all (one that failed midway) before refusing", async () => {
    const max = DEFAULT_LISTINGS_PER_ACCOUNT;
    const { name, rooms } = await ownerOf(max);
    const [first, ...rest] = rooms;
    if (!first) throw new Error("no room");
    expect(await send(first.client, "/list")).toHaveProperty("told");
    // A place taken for a room whose listing never happened, and never given back.
    await runInDurableObject(env.ACCOUNT.getByName(claimKeys(name).primary), (_, state) => {
      state.storage.sql.exec("INSERT INTO listings (room, at) VALUES (?, 0)", freshRoom("never-listed"));
    });
    for (const { client } of rest) expect(await send(client, "/list")).toHaveProperty("told");
  });

  it("takes every room an account listed out of the directory when the account is deleted, even rooms it no longer remembers joining", async () => {
    const { browser, name, prefix, rooms } = await ownerOf(2);
    for (const { client } of rooms) expect(await send(client, "/list")).toHaveProperty("told");
    expect(await eventually(prefix, (found) => found.length === 2)).toHaveLength(2);
    // As if the account had joined 100 other rooms since: the rooms it remembers joining are those.
    await runInDurableObject(env.ACCOUNT.getByName(claimKeys(name).primary), (_, state) => {
      state.storage.sql.exec("DELETE FROM rooms");
    });
    expect((await browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    expect(await eventually(prefix, (found) => found.length === 0)).toEqual([]);
  });
});
