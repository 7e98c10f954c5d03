import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { STALE_MS } from "../../src/directory/core/bounds";
import { DIRECTORY_NAME } from "../../src/directory/durable/directory";
import type { DirectoryPage } from "../../src/protocol";
import { Browser, type ErrorBody, freshName } from "./accounts";
import { framesOf, freshRoom, join } from "./client";
import { storageOf } from "./storage";
import { privateRoom, ticket } from "./tickets";

// DIRECTORY_REPORT_SECONDS is 1 in this project: a listed room tells the directory within a second.

async function directory(query = ""): Promise<Response> {
  return exports.default.fetch(`http://hallway.test/api/rooms${query}`);
}

async function page(query: string): Promise<DirectoryPage> {
  const res = await directory(query);
  expect(res.status).toBe(200);
  return res.json<DirectoryPage>();
}

/** Asks the directory until `check` holds (a room reports within its interval), for at most 12 s. */
async function eventually(query: string, check: (page: DirectoryPage) => boolean): Promise<DirectoryPage> {
  const until = Date.now() + 12_000;
  for (;;) {
    const found = await page(query);
    if (check(found) || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The room's alarm once it is `expected`, or as it is after 3 s. */
async function alarmSoon(room: string, expected: number | null): Promise<number | null> {
  const until = Date.now() + 3000;
  for (;;) {
    const { alarm } = await storageOf(room);
    if (alarm === expected || Date.now() > until) return alarm;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A fresh room (its name under `prefix`) owned by a fresh account, the owner in it. */
async function ownedRoom(prefix = freshRoom("dir")) {
  const browser = new Browser();
  const name = freshName("owner");
  expect((await browser.claim(name)).status).toBe(200);
  const room = `${prefix}-${crypto.randomUUID().slice(0, 6)}`;
  const owner = await join(room, {}, browser.headers());
  owner.client.send("/own");
  await owner.client.waitFor("system", (f) => f.payload.event === "operator");
  return { room, browser, name, owner, prefix };
}

describe("the directory of rooms", () => {
  it("shows a room its owner lists, with its topic, count and last message, and follows its changes", async () => {
    const { room, owner } = await ownedRoom();
    owner.client.send("/topic Tea and small talk");
    await owner.client.waitFor("system", (f) => f.payload.event === "topic");
    owner.client.send("hello");
    const said = await owner.client.waitFor("chatMessage");
    owner.client.send("/list");
    const listed = await eventually(`?q=${room}`, (p) => p.rooms.length === 1);
    expect(listed).toEqual({
      rooms: [{ room, topic: "Tea and small talk", userCount: 1, lastMessageAt: said.payload.ts }],
      hasMore: false,
    });
    const guest = await join(room, { username: freshName("guest") });
    expect(guest.welcome).toMatchObject({ topic: "Tea and small talk" });
    owner.client.send("/topic Coffee now");
    const updated = await eventually(`?q=${room}`, (p) => p.rooms[0]?.topic === "Coffee now");
    expect(updated.rooms).toEqual([expect.objectContaining({ topic: "Coffee now", userCount: 2 })]);
    owner.client.send("/unlist");
    expect(await eventually(`?q=${room}`, (p) => p.rooms.length === 0)).toEqual({ rooms: [], hasMore: false });
  });

  it("never shows an owned room that is not listed, a room nobody owns, or a stranger room", async () => {
    const prefix = freshRoom("hidden");
    const { owner } = await ownedRoom(prefix);
    owner.client.send("/topic not listed");
    await owner.client.waitFor("system", (f) => f.payload.event === "topic");
    const anonymous = await join(`${prefix}-anon`, { username: freshName("anon") });
    anonymous.client.send("/list");
    expect((await anonymous.client.waitFor("error")).payload.code).toBe("not_operator");
    const stranger = privateRoom();
    const partner = await join(stranger, { token: await ticket(stranger, "ann") });
    partner.client.send("/list");
    expect((await partner.client.waitFor("error")).payload.code).toBe("not_allowed");
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await page(`?q=${prefix}`)).toEqual({ rooms: [], hasMore: false });
    expect((await page("?q=pv-&limit=100")).rooms).toEqual([]);
  });

  it("refuses a topic from anyone but the owner and operators, and tells nobody", async () => {
    const { room, owner } = await ownedRoom();
    const browser = new Browser();
    expect((await browser.claim(freshName("guest"))).status).toBe(200);
    const signedInGuest = await join(room, {}, browser.headers());
    const anonymous = await join(room, { username: freshName("anon") });
    signedInGuest.client.send("/topic mine");
    anonymous.client.send({ type: "topic", payload: { topic: "mine" } });
    expect((await signedInGuest.client.waitFor("error")).payload.code).toBe("not_operator");
    expect((await anonymous.client.waitFor("error")).payload.code).toBe("not_operator");
    await owner.client.sync();
    expect(framesOf(owner.client, "system").some((f) => f.payload.event === "topic")).toBe(false);
    const later = await join(room, { username: freshName("later") });
    expect(later.welcome.topic).toBeUndefined();
  });

  it("filters by name prefix, most active first, and pages with limit and hasMore", async () => {
    const prefix = freshRoom("pre");
    const rooms = [await ownedRoom(prefix), await ownedRoom(prefix), await ownedRoom(prefix)];
    const busiest = rooms[1];
    if (!busiest) throw new Error("no room");
    await join(busiest.room, { username: freshName("extra") });
    for (const { owner } of rooms) owner.client.send("/list");
    const all = await eventually(
      `?q=${prefix.toUpperCase()}`,
      (p) => p.rooms.length === 3 && p.rooms[0]?.userCount === 2,
    );
    expect(all.hasMore).toBe(false);
    expect(all.rooms[0]?.room).toBe(busiest.room);
    const first = await page(`?q=${prefix}&limit=2`);
    expect(first.rooms).toHaveLength(2);
    expect(first.hasMore).toBe(true);
  });

  it("answers a bad q or limit with a typed 400", async () => {
    for (const query of ["?q=no%20spaces", "?q=%C3%A9", `?q=${"a".repeat(65)}`, "?limit=0", "?limit=101", "?limit=x"]) {
      const res = await directory(query);
      expect(res.status, query).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toBe("bad_request");
    }
    expect((await directory("?limit=100")).status).toBe(200);
  });

  it("drops a listed room whose owner's account is deleted", async () => {
    const { room, browser, owner } = await ownedRoom();
    owner.client.send("/list");
    await eventually(`?q=${room}`, (p) => p.rooms.length === 1);
    expect((await browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    expect(await eventually(`?q=${room}`, (p) => p.rooms.length === 0)).toEqual({ rooms: [], hasMore: false });
  });

  it("ages out an empty room's entry after 30 days without a report, while one with people stays", async () => {
    const empty = await ownedRoom();
    empty.owner.client.send("/list");
    await eventually(`?q=${empty.room}`, (p) => p.rooms.length === 1);
    empty.owner.client.send({ type: "quit", payload: {} });
    await eventually(`?q=${empty.room}`, (p) => p.rooms[0]?.userCount === 0);
    // Reported, the empty room owes nothing more: no alarm is left to wake it.
    expect(await alarmSoon(empty.room, null)).toBeNull();
    const peopled = await ownedRoom();
    peopled.owner.client.send("/list");
    await eventually(`?q=${peopled.room}`, (p) => p.rooms.length === 1);
    // As if neither room had reported for 30 days.
    await runInDurableObject(env.DIRECTORY.getByName(DIRECTORY_NAME), (_, state) => {
      state.storage.sql.exec(
        "UPDATE directory SET updated_at = ? WHERE room IN (?, ?)",
        Date.now() - STALE_MS,
        empty.room,
        peopled.room,
      );
    });
    expect((await page(`?q=${empty.room}`)).rooms).toEqual([]);
    expect((await page(`?q=${peopled.room}`)).rooms).toHaveLength(1);
  });
});
