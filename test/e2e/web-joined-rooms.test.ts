import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, returningVisitor, screenshot, waitConnected } from "./browser";
import { passkeyDevices } from "./passkeys";

/**
 * Rooms kept joined in the web app: a side panel lists them with live unread
 * counts, switching among them is silent to everyone in them, only "Leave"
 * leaves, and the list outlives a reload.
 */

const app = appUnderTest();
const { device } = passkeyDevices(() => app.browser());

interface Observer {
  /** Every join, leave or idle notice about `who` seen since the observer came in (or was last cleared). */
  notices: string[];
  say(text: string): void;
  close(): void;
}

/** A plain WebSocket client in `room` as `name`, noting what it is told about `who` coming and going. */
async function observe(room: string, name: string, who: string): Promise<Observer> {
  const ws = new WebSocket(`${app.server().url.replace("http", "ws")}/chat/${room}?username=${name}`);
  const notices: string[] = [];
  ws.addEventListener("message", (event) => {
    const frames: unknown[] = [];
    try {
      const data: unknown = JSON.parse(String(event.data));
      frames.push(...(Array.isArray(data) ? data : [data]));
    } catch {
      return;
    }
    for (const f of frames) {
      const frame = f as { type?: string; payload?: Record<string, unknown> };
      const p = frame.payload ?? {};
      if (frame.type === "system" && p.username === who && ["join", "leave", "idle"].includes(String(p.event))) {
        notices.push(`${p.event}`);
      }
      if (frame.type === "presence") {
        if ((p.joined as string[] | undefined)?.includes(who)) notices.push("presence joined");
        if ((p.left as string[] | undefined)?.includes(who)) notices.push("presence left");
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`${name} could not join ${room}`)));
  });
  return { notices, say: (text) => ws.send(text), close: () => ws.close() };
}

/** The side panel's entry for `room`. */
const entry = (page: Page, room: string) => page.locator(`#joined-list a[data-room="${room}"]`);

/** Joins `room` from the start screen (the room's first join: everyone there sees it). */
async function joinFromStart(page: Page, room: string): Promise<void> {
  await page.click("#back");
  await page.locator("#start").waitFor();
  await page.fill("#start-room", room);
  await page.click("#start-form button[type=submit]");
  await page.waitForURL(`**/r/${room}`);
  await waitConnected(page);
}

async function alice(width = 1280, height = 800): Promise<Page> {
  const context = await app.browser().newContext({ viewport: { width, height } });
  await returningVisitor(context, "alice");
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  return page;
}

/** Alice, whose browser keeps `rooms` joined already, in the first of them. */
async function aliceIn(rooms: string[]): Promise<Page> {
  const context = await app.browser().newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((list) => {
    if (localStorage.getItem("hallway:joined") === null) localStorage.setItem("hallway:joined", JSON.stringify(list));
  }, rooms);
  await returningVisitor(context, "alice");
  const page = await context.newPage();
  await page.goto(`${app.server().url}/r/${rooms[0]}`);
  await waitConnected(page);
  return page;
}

async function inThreeRooms(page: Page, rooms: string[]): Promise<void> {
  await page.goto(`${app.server().url}/r/${rooms[0]}`);
  await waitConnected(page);
  for (const room of rooms.slice(1)) await joinFromStart(page, room);
  // On a phone the list is in the closed drawer: there, but not seen.
  for (const room of rooms) await entry(page, room).waitFor({ state: "attached" });
}

describe("rooms kept joined in the web app", () => {
  it("switches among three joined rooms without anyone in them seeing a leave or a join", async () => {
    const rooms = ["a", "b", "c"].map((r) => freshRoom(`switch-${r}`));
    const bobs = await Promise.all(rooms.map((room) => observe(room, "bob", "alice")));
    const page = await alice();
    await inThreeRooms(page, rooms);
    // Each room saw alice arrive once; from here on, nothing.
    await expect.poll(() => bobs.map((b) => b.notices.filter((n) => n.includes("join")).length)).toEqual([1, 1, 1]);
    for (const b of bobs) b.notices.length = 0;

    for (const room of [rooms[0], rooms[1], rooms[2], rooms[0], rooms[2], rooms[1]] as string[]) {
      await entry(page, room).click();
      await page.waitForURL(`**/r/${room}`);
      await page.locator("#room-title", { hasText: `#${room}` }).waitFor();
      await waitConnected(page);
    }
    await page.goBack();
    await page.waitForURL(`**/r/${rooms[2]}`);
    await page.locator("#room-title", { hasText: `#${rooms[2]}` }).waitFor();
    await page.goForward();
    await page.waitForURL(`**/r/${rooms[1]}`);
    await waitConnected(page);
    // Longer than the reconnect grace (2 s here): a socket let go too early would show as a leave by now.
    await new Promise((r) => setTimeout(r, 3500));
    expect(bobs.map((b) => b.notices)).toEqual([[], [], []]);
    for (const b of bobs) b.close();
    await page.context().close();
  });

  it("counts unread messages and marks a mention for a room out of view within 2 s, and clears them on opening it", async () => {
    const rooms = ["a", "b", "c"].map((r) => freshRoom(`badge-${r}`));
    const bobs = await Promise.all(rooms.map((room) => observe(room, "bob", "alice")));
    const page = await alice();
    await inThreeRooms(page, rooms);
    const [first, second] = bobs as [Observer, Observer];
    const firstRoom = rooms[0] as string;

    let sent = Date.now();
    first.say("anyone around?");
    await entry(page, firstRoom).locator(".unread", { hasText: "1" }).waitFor({ timeout: 2000 });
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(await entry(page, firstRoom).locator(".mention-mark").count()).toBe(0);

    sent = Date.now();
    first.say("@alice can you look?");
    await entry(page, firstRoom).locator(".unread", { hasText: "2" }).waitFor({ timeout: 2000 });
    await entry(page, firstRoom).locator(".mention-mark").waitFor({ timeout: 2000 });
    expect(Date.now() - sent).toBeLessThan(2000);
    second.say("over here too");
    await entry(page, rooms[1] as string)
      .locator(".unread", { hasText: "1" })
      .waitFor({ timeout: 2000 });
    await screenshot(page, "joined-rooms-desktop.png");

    await entry(page, firstRoom).click();
    await page.locator("#lines .line", { hasText: "can you look?" }).waitFor();
    expect(await entry(page, firstRoom).locator(".unread").count()).toBe(0);
    expect(await entry(page, firstRoom).locator(".mention-mark").count()).toBe(0);
    // Read here, it stays read once out of view again.
    await entry(page, rooms[2] as string).click();
    await waitConnected(page);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await entry(page, firstRoom).locator(".unread").count()).toBe(0);
    for (const b of bobs) b.close();
    await page.context().close();
  });

  it("drops a room out of view from the list, saying why, when its operator removes the person there", async () => {
    const rooms = ["a", "b"].map((r) => freshRoom(`kicked-${r}`));
    // The first one in runs an anonymous room, so bob may kick there.
    const bobs = await Promise.all(rooms.map((room) => observe(room, "bob", "alice")));
    const page = await alice();
    await inThreeRooms(page, rooms);
    const [away, here] = rooms as [string, string];
    await expect.poll(() => bobs.map((b) => b.notices.filter((n) => n.includes("join")).length)).toEqual([1, 1]);

    (bobs[0] as Observer).say("/kick alice");
    await expect.poll(() => entry(page, away).count(), { timeout: 5000 }).toBe(0);
    await page.locator("#joined-note", { hasText: `You are no longer in #${away}` }).waitFor();
    expect(await page.locator("#joined-note").textContent()).toContain("removed from the room by its operator");
    // The room in view is not touched.
    expect(await entry(page, here).count()).toBe(1);
    expect(page.url()).toContain(`/r/${here}`);
    for (const b of bobs) b.close();
    await page.context().close();
  });

  it("keeps the list across a reload, and leaves a room only on Leave, which everyone there sees", async () => {
    const rooms = ["a", "b", "c"].map((r) => freshRoom(`leave-${r}`));
    const bobs = await Promise.all(rooms.map((room) => observe(room, "bob", "alice")));
    const page = await alice();
    await inThreeRooms(page, rooms);

    await page.reload();
    await waitConnected(page);
    for (const room of rooms) await entry(page, room).waitFor();
    // The start screen keeps them joined too.
    await page.click("#back");
    await page.locator("#start").waitFor();
    await page.goBack();
    await waitConnected(page);

    const last = rooms[2] as string;
    await entry(page, last).click();
    await page.waitForURL(`**/r/${last}`);
    await waitConnected(page);
    for (const b of bobs) b.notices.length = 0;
    await page.getByRole("button", { name: "Leave room" }).click();
    await page.locator("#start").waitFor();
    await expect.poll(() => bobs[2]?.notices).toContain("leave");
    await page.goBack();
    await page.waitForURL(`**/r/${last}`);
    // Opening its link again joins it again: it was no longer in the list.
    await waitConnected(page);
    await page.getByRole("button", { name: "Leave room" }).click();
    await page.locator("#start").waitFor();
    await page.goto(`${app.server().url}/r/${rooms[0]}`);
    await waitConnected(page);
    await entry(page, rooms[1] as string).waitFor();
    expect(await entry(page, last).count()).toBe(0);
    expect(bobs[0]?.notices.filter((n) => n === "leave")).toEqual([]);
    for (const b of bobs) b.close();
    await page.context().close();
  });

  it("lists the joined rooms in a drawer on a phone, opened from the header's Rooms button", async () => {
    const rooms = ["a", "b", "c"].map((r) => freshRoom(`phone-${r}`));
    const bobs = await Promise.all(rooms.map((room) => observe(room, "bob", "alice")));
    const page = await alice(390, 844);
    await inThreeRooms(page, rooms);
    bobs[0]?.say("@alice on the phone?");
    bobs[1]?.say("hello");
    expect(await page.locator("#side").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Rooms" }).click();
    await entry(page, rooms[0] as string)
      .locator(".mention-mark")
      .waitFor();
    await entry(page, rooms[1] as string)
      .locator(".unread")
      .waitFor();
    await screenshot(page, "joined-rooms-phone.png");
    await entry(page, rooms[1] as string).click();
    await page.waitForURL(`**/r/${rooms[1]}`);
    expect(await page.locator("#side").isVisible()).toBe(false);
    await waitConnected(page);
    await screenshot(page, "joined-rooms-phone-closed.png");
    // On a phone "Leave" is in the drawer, for the room shown.
    await page.getByRole("button", { name: "Rooms" }).click();
    await page.getByRole("button", { name: "Leave room" }).click();
    await page.locator("#start").waitFor();
    await expect.poll(() => bobs[1]?.notices).toContain("leave");
    for (const b of bobs) b.close();
    await page.context().close();
  });

  it("shows each joined room's whole name on pointing at it, however much of it the panel cuts off", async () => {
    const rooms = Array.from({ length: 20 }, (_, i) => freshRoom(`room_with_a_rather_long_name_${i}`));
    const page = await aliceIn(rooms);
    const context = page.context();
    for (const room of rooms) {
      const link = page.getByRole("link", { name: `#${room}`, exact: true });
      expect(await link.getAttribute("title")).toBe(`#${room}`);
      // The panel really does cut it: the text is wider than its box.
      const cut = await link.locator(".joined-name").evaluate((span) => span.scrollWidth > span.clientWidth);
      expect(cut).toBe(true);
    }
    await context.close();
  });

  it("refuses a twenty-first room, saying to leave one first", async () => {
    const rooms = Array.from({ length: 20 }, (_, i) => freshRoom(`full${i}`));
    const page = await aliceIn(rooms);
    const context = page.context();
    expect(await page.locator("#joined-list a").count()).toBe(20);
    const extra = freshRoom("one-too-many");
    await page.goto(`${app.server().url}/r/${extra}`);
    await page.locator("#start-error", { hasText: "leave one to join" }).waitFor();
    expect(await page.locator("#start-room").inputValue()).toBe(extra);
    await context.close();
  });

  it("refuses a twenty-first room opened from its link while signed in, before anyone there sees a join", async () => {
    const rooms = Array.from({ length: 20 }, (_, i) => freshRoom(`kept${i}`));
    const name = `ann${Date.now().toString(36).slice(-6)}`;
    // WebAuthn refuses IP addresses, so the app is opened by name.
    const base = app.server().url.replace("127.0.0.1", "localhost");
    const page = await device();
    await page.goto(`${base}/r/${rooms[0]}`);
    await page.fill("#start-name", name);
    await page.click("#start-form button[type=submit]");
    await waitConnected(page);
    await page.getByRole("button", { name: /Claim/ }).first().click();
    await page.locator("#me-chip .verified").waitFor();
    const put = await page.evaluate(
      (list) => fetch("/api/me/rooms", { method: "PUT", body: JSON.stringify({ rooms: list }) }).then((r) => r.status),
      rooms,
    );
    expect(put).toBe(200);

    const extra = freshRoom("one-too-many");
    const bob = await observe(extra, "bob", name);
    await page.goto(`${base}/r/${extra}`);
    await page
      .locator("#start-error", { hasText: `You are in 20 rooms, the most at once: leave one to join #${extra}` })
      .waitFor();
    expect(await page.locator("#start-room").inputValue()).toBe(extra);
    await expect.poll(() => page.locator("#joined-list a").count()).toBe(20);
    await new Promise((r) => setTimeout(r, 1000));
    expect(bob.notices).toEqual([]);
    bob.close();
    await page.context().close();
  });
});
