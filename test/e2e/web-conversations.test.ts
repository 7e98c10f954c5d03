import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, say, screenshot, seeLine, waitConnected } from "./browser";
import { passkeyDevices } from "./passkeys";

/**
 * Conversations between signed-in people in the web app: started from a
 * room's people list, shown live in the other person's side panel with an
 * unread count wherever they are, opened from there, and stopped by a block.
 */

const app = appUnderTest();
const { device, sync } = passkeyDevices(() => app.browser());

/** WebAuthn refuses IP addresses, so the app is opened by name. */
const base = () => app.server().url.replace("127.0.0.1", "localhost");

async function joinFromStart(page: Page, room: string, name?: string): Promise<void> {
  if (!(await page.locator("#start").isVisible())) {
    await page.click("#back");
    await page.locator("#start").waitFor();
  }
  await page.fill("#start-room", room);
  if (name && (await page.locator("#start-name").isEditable())) await page.fill("#start-name", name);
  await page.click("#start-form button[type=submit]");
  await page.waitForURL(`**/r/${room}`);
  await waitConnected(page);
}

/** A person with a passkey device, in `room` under `name`, which they claim there. */
async function signedIn(room: string, name: string, width = 1280, height = 800): Promise<Page> {
  const page = await device(width, height);
  await page.goto(`${base()}/`);
  await page.locator("#start").waitFor();
  await joinFromStart(page, room, name);
  await page.getByRole("button", { name: /Claim/ }).first().click();
  await page.locator("#notice", { hasText: "is yours now" }).waitFor();
  // Back in the room signed in: the room knows the account from here on.
  await page.locator("#me-chip .verified").waitFor();
  await page.locator("#talks").waitFor();
  return page;
}

const axeScript = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The ids of the serious and critical accessibility rules the page breaks, with where, by axe-core. */
async function accessibilityFaults(page: Page): Promise<string[]> {
  await page.evaluate(axeScript);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const { axe } = window as unknown as { axe: { run(root: Document): Promise<Result> } };
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

const talkEntry = (page: Page, name: string) => page.locator(`#talk-list a[data-talk="${name}"]`);

describe("conversations between signed-in people in the web app", () => {
  it("starts from a room's people list, reaches the other person in another room, and stops at a block", async () => {
    const room = freshRoom("talk");
    // Bob is signed in before alice comes: her people list has him marked from the start.
    const bob = await signedIn(room, "bob");
    const alice = await signedIn(room, "alice");
    // Bob goes on to another room; he stays in the first one, joined.
    await joinFromStart(bob, freshRoom("elsewhere"));

    await alice.getByRole("button", { name: "Message bob privately" }).click();
    await alice.waitForURL("**/dm/bob");
    await alice.locator("#room-title", { hasText: "bob" }).waitFor();
    await waitConnected(alice);
    await say(alice, "psst, bob");
    await seeLine(alice, "psst, bob");

    // Bob's panel shows the conversation, with what he has not read.
    await talkEntry(bob, "alice").locator(".unread", { hasText: "1" }).waitFor({ timeout: 5000 });
    await talkEntry(bob, "alice").click();
    await bob.waitForURL("**/dm/alice");
    await seeLine(bob, "psst, bob");
    await expect.poll(() => talkEntry(bob, "alice").locator(".unread").count()).toBe(0);
    await say(bob, "hi alice");
    await seeLine(alice, "hi alice");
    // Seen where it arrived, it counts as read: back in the room, alice's panel shows nothing waiting from bob.
    await alice.locator(`#joined-list a[data-room="${room}"]`).click();
    await waitConnected(alice);
    await talkEntry(alice, "bob").waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await talkEntry(alice, "bob").locator(".unread").count()).toBe(0);
    await talkEntry(alice, "bob").click();
    await alice.waitForURL("**/dm/bob");
    await waitConnected(alice);

    // After a block, nothing alice writes reaches bob, and bob's own writing is refused with the reason.
    await bob.getByRole("button", { name: "Block", exact: true }).click();
    await bob.getByRole("button", { name: "Unblock", exact: true }).waitFor();
    await say(alice, "are you still there?");
    await alice.locator("#lines .line.message.own", { hasText: "are you still there?" }).waitFor();
    await say(bob, "one more thing");
    await bob.locator("#outbox", { hasText: /block/i }).waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await bob.locator("#lines .line", { hasText: "are you still there?" }).count()).toBe(0);

    // A name nobody holds is refused when a new conversation is asked for.
    await bob.getByRole("button", { name: "New message" }).click();
    await bob.fill("#talk-name", "nobody_by_that_name");
    await bob.press("#talk-name", "Enter");
    await bob.locator("#talk-error", { hasText: "no_such_user" }).waitFor();

    await alice.context().close();
    await bob.context().close();
  });

  it("shares a file in a conversation, at an address given only to the two of them", async () => {
    const room = freshRoom("talk-file");
    const max = await signedIn(room, "max");
    const nia = await signedIn(room, "nia");
    await nia.getByRole("button", { name: "Message max privately" }).click();
    await nia.waitForURL("**/dm/max");
    await waitConnected(nia);
    await nia.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new TextEncoder().encode("%PDF-1.4\nfor max\n%%EOF\n")], "plan.pdf"));
      document
        .getElementById("log")
        ?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await nia.fill("#input", "the plan");
    await nia.press("#input", "Enter");
    await talkEntry(max, "nia").click();
    await max.waitForURL("**/dm/nia");
    const card = max.locator("#lines .file-card", { hasText: "plan.pdf" });
    await card.waitFor();
    const href = (await card.getAttribute("href")) ?? "";
    expect(href).toMatch(/^\/files\/%40[0-9a-f]{20}\.[0-9a-f]{20}\/[0-9a-f]{32}\?expires=\d+&sig=[0-9a-f]{64}$/);
    const fetched = await max.evaluate(async (url) => (await fetch(url)).text(), href);
    expect(fetched).toContain("for max");
    // Without the signature, the same file is nobody's to read.
    const bare = await max.evaluate(async (url) => (await fetch(url.split("?")[0] ?? "")).status, href);
    expect(bare).toBe(403);
    await max.context().close();
    await nia.context().close();
  });

  it("opens a conversation typed with a look-alike name under the account's own name, marked in the panel", async () => {
    const room = freshRoom("lookalike");
    await signedIn(room, "rob");
    const sue = await signedIn(room, "sue");
    await sue.getByRole("button", { name: "New message" }).click();
    // A Cyrillic о in place of the Latin o: the same account to the server.
    await sue.fill("#talk-name", "r\u043eb");
    await sue.press("#talk-name", "Enter");
    await sue.waitForURL("**/dm/rob");
    await sue.locator("#room-title", { hasText: /^rob$/ }).waitFor();
    await waitConnected(sue);
    await say(sue, "is this rob?");
    await expect.poll(() => talkEntry(sue, "rob").getAttribute("aria-current")).toBe("page");
    expect(await sue.title()).toContain("rob");
    // Its address typed the same way leads to the same place.
    await sue.goto(`${base()}/dm/${encodeURIComponent("r\u043eb")}`);
    await sue.waitForURL("**/dm/rob");
    await sue.locator("#room-title", { hasText: /^rob$/ }).waitFor();
    await expect.poll(() => talkEntry(sue, "rob").getAttribute("aria-current")).toBe("page");
    await sue.context().close();
  });

  it("shows three rooms, unread counts, a mention and two conversations in the side panel", async () => {
    const rooms = ["a", "b", "c"].map((r) => freshRoom(`panel-${r}`));
    const [first, second, third] = rooms as [string, string, string];
    const dana = await signedIn(first, "dana");
    const erin = await signedIn(first, "erin");
    const fay = await signedIn(first, "fay");
    await fay.getByRole("button", { name: "Message dana privately" }).waitFor();
    await erin.getByRole("button", { name: "Message dana privately" }).waitFor();
    for (const page of [dana]) {
      await joinFromStart(page, second);
      await joinFromStart(page, third);
    }
    await erin.getByRole("button", { name: "Message dana privately" }).click();
    await waitConnected(erin);
    await say(erin, "lunch later?");
    await fay.getByRole("button", { name: "Message dana privately" }).click();
    await waitConnected(fay);
    await say(fay, "the slides are up");
    await joinFromStart(erin, second);
    await say(erin, "@dana your turn");
    await joinFromStart(fay, first);
    await say(fay, "morning all");
    await talkEntry(dana, "fay").locator(".unread").waitFor();
    await talkEntry(dana, "erin").locator(".unread").waitFor();
    await dana.locator(`#joined-list a[data-room="${second}"] .mention-mark`).waitFor();
    await dana.locator(`#joined-list a[data-room="${first}"] .unread`).waitFor();
    await screenshot(dana, "side-panel-desktop.png");
    const faults: Record<string, string[]> = {};
    for (const scheme of ["light", "dark"] as const) {
      await dana.emulateMedia({ colorScheme: scheme });
      faults[`desktop ${scheme}`] = await accessibilityFaults(dana);
    }

    await dana.setViewportSize({ width: 390, height: 844 });
    await dana.getByRole("button", { name: "Rooms" }).click();
    await talkEntry(dana, "fay").waitFor();
    await screenshot(dana, "side-panel-phone-dark.png");
    faults["phone dark"] = await accessibilityFaults(dana);
    await dana.emulateMedia({ colorScheme: "light" });
    await screenshot(dana, "side-panel-phone.png");
    faults["phone light"] = await accessibilityFaults(dana);
    expect(faults).toEqual({ "desktop light": [], "desktop dark": [], "phone dark": [], "phone light": [] });
    for (const page of [dana, erin, fay]) await page.context().close();
  });
});

describe("a long conversation", () => {
  it("loads its older messages from the conversation's own history", async () => {
    const room = freshRoom("long");
    const ivan = await signedIn(room, "ivan");
    const jo = await signedIn(room, "jo");
    // Jo writes 130 lines to ivan from a socket of her own page (her session's cookie goes with it).
    await jo.evaluate(async () => {
      const ws = new WebSocket(`${location.origin.replace("http", "ws")}/talk/ivan?username=jo`);
      await new Promise<void>((resolve, reject) => {
        ws.addEventListener("error", () => reject(new Error("no conversation socket")));
        ws.addEventListener("open", () => {
          for (let i = 1; i <= 130; i++) ws.send(`line ${i} of many`);
        });
        ws.addEventListener("message", (event) => {
          if (String(event.data).includes("line 130 of many")) resolve();
        });
      });
      ws.close();
    });
    await talkEntry(ivan, "jo").click();
    await seeLine(ivan, "line 130 of many");
    expect(await ivan.locator("#lines .line", { hasText: "line 1 of many" }).count()).toBe(0);
    for (
      let page = 0;
      page < 5 && (await ivan.locator("#lines .line", { hasText: "line 1 of many" }).count()) === 0;
      page++
    ) {
      await ivan.locator("#older").click();
      await ivan.waitForFunction(() => !(document.getElementById("older") as HTMLButtonElement).disabled);
    }
    await seeLine(ivan, "line 1 of many");
    for (const page of [ivan, jo]) await page.context().close();
  });
});

describe("an owned room's topic and the start screen's directory", () => {
  it("shows the topic under the room's name, and lists the room with its topic on the start screen, found by name", async () => {
    const room = freshRoom("listed");
    const gina = await signedIn(room, "gina");
    await say(gina, "/own");
    await say(gina, "/topic Weekly planning, Mondays");
    await gina.locator("#room-topic", { hasText: "Weekly planning, Mondays" }).waitFor();
    await say(gina, "/list");

    const visitor = await device();
    await visitor.goto(`${base()}/`);
    const link = visitor.locator(`#directory-list a[data-room="${room}"]`);
    await expect
      .poll(
        async () => {
          await visitor.reload();
          return link.count();
        },
        { timeout: 20_000, interval: 2000 },
      )
      .toBe(1);
    const entry = visitor.locator("#directory-list li", { has: visitor.locator(`a[data-room="${room}"]`) });
    expect(await entry.textContent()).toContain("Weekly planning, Mondays");
    await visitor.fill("#directory-q", room.slice(0, 8));
    await link.waitFor();
    await visitor.fill("#directory-q", "zzz-nothing");
    await visitor.locator("#directory-note", { hasText: "No listed room starts with" }).waitFor();
    await screenshot(visitor, "directory-start.png");
    for (const page of [gina, visitor]) await page.context().close();
  });
});

describe("the rooms an account keeps joined", () => {
  it("are the same on each of its devices: a room joined or left on one shows on the other", async () => {
    const [first, second] = [freshRoom("acct-a"), freshRoom("acct-b")];
    const laptop = await signedIn(first, "hank");
    const phone = await device();
    await sync(laptop, phone);
    await phone.goto(`${base()}/`);
    await phone.locator("#signin").click();
    await phone.locator("#account-in").waitFor();
    await joinFromStart(phone, second);
    const entry = (page: Page, room: string) => page.locator(`#joined-list a[data-room="${room}"]`);
    await entry(phone, first).waitFor();
    await entry(laptop, second).waitFor({ timeout: 5000 });

    await laptop.getByRole("button", { name: "Leave room" }).click();
    await laptop.locator("#start").waitFor();
    await expect.poll(() => entry(phone, first).count(), { timeout: 5000 }).toBe(0);
    for (const page of [laptop, phone]) await page.context().close();
  });
});

describe("a room's link on a signed-in device", () => {
  it("goes straight in under the account's name when no name is saved, without asking for one", async () => {
    const room = freshRoom("link-in");
    const laptop = await signedIn(freshRoom("home"), "ivy");
    const phone = await device();
    await sync(laptop, phone);
    await phone.goto(`${base()}/`);
    await phone.locator("#signin").click();
    await phone.locator("#account-in").waitFor();
    await phone.evaluate(() => localStorage.removeItem("hallway:name"));
    await phone.goto(`${base()}/r/${room}`);
    await waitConnected(phone);
    await phone.locator("#me-chip", { hasText: "ivy" }).waitFor();
    expect(await phone.locator("#start").isVisible()).toBe(false);
    for (const page of [laptop, phone]) await page.context().close();
  });
});

describe("a home whose rooms are all asleep", () => {
  it("still counts a joined room's messages and a conversation's within 2 s once every object has hibernated", async () => {
    const [first, second] = [freshRoom("sleep-a"), freshRoom("sleep-b")];
    const kim = await signedIn(first, "kim");
    const lou = await signedIn(first, "lou");
    await joinFromStart(kim, second);
    await lou.getByRole("button", { name: "Message kim privately" }).click();
    await lou.waitForURL("**/dm/kim");
    await waitConnected(lou);
    await say(lou, "before the quiet");
    await talkEntry(kim, "lou").locator(".unread", { hasText: "1" }).waitFor({ timeout: 5000 });

    // Nothing but the pages' own heartbeats for 20 s: the rooms, the conversation
    // and both accounts hibernate, their sockets held by the runtime.
    await new Promise((r) => setTimeout(r, 20_000));

    await say(lou, "after the quiet");
    await talkEntry(kim, "lou").locator(".unread", { hasText: "2" }).waitFor({ timeout: 2000 });
    await lou.locator(`#joined-list a[data-room="${first}"]`).click();
    await waitConnected(lou);
    await say(lou, "@kim the room woke up");
    const watched = kim.locator(`#joined-list a[data-room="${first}"]`);
    await watched.locator(".mention-mark").waitFor({ timeout: 2000 });
    await watched.locator(".unread").waitFor({ timeout: 2000 });
    for (const page of [kim, lou]) await page.context().close();
  });
});
