import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  appUnderTest,
  FAST_VARS,
  freshRoom,
  joinAs,
  message,
  messageTexts,
  say,
  screenshot,
  seed,
  seeLine,
  waitConnected,
} from "./browser";

/**
 * Searching from the web app (v1.9): the box in the room's header, its
 * results with the matched words marked, and choosing one to read the
 * message where it was said. Searches are few a minute here, so the limit
 * itself can be met.
 */

const SEARCHES_PER_MINUTE = 8;
const app = appUnderTest({ ...FAST_VARS, SEARCHES_PER_MINUTE: String(SEARCHES_PER_MINUTE) });

const join = (room: string, name: string) => joinAs(app.browser(), app.server().url, room, name);

async function search(page: Page, words: string): Promise<void> {
  await page.getByRole("searchbox", { name: "Search" }).fill(words);
  await page.getByRole("searchbox", { name: "Search" }).press("Enter");
  await page.locator("#search-panel:not([aria-busy])").waitFor();
  await page.locator("#search-state", { hasNotText: "Searching" }).waitFor();
}

const state = (page: Page) => page.locator("#search-state").textContent();
const results = (page: Page) => page.getByRole("listbox", { name: "Results" }).getByRole("option");
const isFocused = (page: Page, text: string) =>
  message(page, text)
    .first()
    .evaluate((li) => li === document.activeElement);

describe("searching in the web app", () => {
  it("a search jumps to an old message", async () => {
    const r = freshRoom("jump");
    const bob = await join(r, "bob");
    await say(bob, "the walrus recipe is in the blue folder");
    await seeLine(bob, "walrus recipe");
    // Bob leaves on purpose, so his leave and the hand-over come now, not when his grace ends mid-search.
    await bob.getByRole("button", { name: "Leave room" }).click();
    await bob.locator("#start").waitFor();
    await bob.context().close();
    await seed(app.server().url, r, 250);
    const alice = await join(r, "alice");
    await seeLine(alice, "old 250");
    // The old message is far beyond the replay: not in the log.
    expect(await message(alice, "walrus").count()).toBe(0);

    // Ctrl+K from the composer, then Enter.
    await alice.locator("#input").focus();
    await alice.keyboard.press("Control+k");
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe("search-box");
    await search(alice, "walrus");
    expect(await state(alice)).toBe(`1 message matches “walrus” in #${r}, newest first.`);
    const hit = results(alice).first();
    await expect.poll(() => hit.locator("mark").allTextContents()).toEqual(["walrus"]);
    expect(await hit.textContent()).toContain("bob");
    expect(await hit.textContent()).toContain("the walrus recipe is in the blue folder");
    await screenshot(alice, "web-search-desktop.png");
    // On a phone the box and its results are in the rooms drawer.
    await alice.setViewportSize({ width: 390, height: 844 });
    await alice.getByRole("button", { name: "Rooms" }).click();
    await hit.waitFor();
    await screenshot(alice, "web-search-phone.png");
    await alice.setViewportSize({ width: 1100, height: 720 });
    await alice.locator("#search-box").focus();

    // Escape closes the results, back in the box; Down opens them again, Enter chooses.
    await alice.keyboard.press("Escape");
    await alice.locator("#search-panel").waitFor({ state: "hidden" });
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe("search-box");
    await alice.keyboard.press("ArrowDown");
    expect(await hit.evaluate((o) => o === document.activeElement)).toBe(true);
    await alice.keyboard.press("Enter");

    // The message, focused and lit up, with what was said around it.
    await message(alice, "walrus").waitFor();
    await expect.poll(() => isFocused(alice, "walrus")).toBe(true);
    expect(await message(alice, "walrus").getAttribute("class")).toContain("flash");
    await seeLine(alice, "old 1");
    await seeLine(alice, "old 20");
    expect(await message(alice, "walrus").isVisible()).toBe(true);
    await screenshot(alice, "web-search-landed.png");

    // Said while the reader is far back: it waits at the live end.
    const carol = await join(r, "carol");
    await say(carol, "fresh news at the end");
    await seeLine(alice, "fresh news at the end");

    // Scrolling down from it loads newer pages by themselves, as scrolling up loads older ones.
    const newer = alice.locator("#lines .line.gap button");
    expect(await newer.first().textContent()).toMatch(/^Load newer messages/);
    await alice.locator("#log").evaluate(async (log) => {
      for (let i = 0; i < 12; i++) {
        log.scrollBy(0, 400);
        await new Promise((done) => setTimeout(done, 250));
      }
    });
    await expect.poll(() => newer.count()).toBe(0);

    // Back to the newest: each line once, in order, from the room's first to what was said meanwhile.
    const jump = alice.locator("#jump");
    await jump.waitFor();
    await jump.click();
    await expect.poll(() => message(alice, "fresh news at the end").isVisible()).toBe(true);
    const texts = await messageTexts(alice);
    expect(new Set(texts).size).toBe(texts.length);
    const old = texts.filter((t) => t.startsWith("old "));
    expect(old).toEqual(Array.from({ length: 250 }, (_, i) => `old ${i + 1}`));
    expect(texts.filter((t) => t.includes("walrus"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("fresh news"))).toHaveLength(1);
    expect(texts.at(-1)).toBe("fresh news at the end");
  });

  it("searches all joined rooms and opens a result in a room not on screen", async () => {
    const here = freshRoom("here");
    const there = freshRoom("there");
    const dan = await join(there, "dan");
    await say(dan, "a pelican landed on the roof");
    await seeLine(dan, "pelican");
    const alice = await join(there, "alice");
    await alice.goto(`${app.server().url}/r/${here}`);
    await waitConnected(alice);
    await say(alice, "nothing about birds here");
    await seeLine(alice, "nothing about birds");

    // "This room" does not find it; "All my rooms" does, naming the room.
    await search(alice, "pelican");
    expect(await state(alice)).toBe(`No messages match “pelican” in #${here}.`);
    await alice.getByRole("radio", { name: "All my rooms" }).check();
    await alice.locator("#search-state", { hasText: "your 2 rooms" }).waitFor();
    expect(await state(alice)).toBe("1 message matches “pelican” in your 2 rooms, newest first.");
    const hit = results(alice).first();
    expect(await hit.locator(".search-room").textContent()).toBe(`#${there}`);
    await screenshot(alice, "web-search-all-rooms.png");
    await alice.setViewportSize({ width: 390, height: 844 });
    await alice.getByRole("button", { name: "Rooms" }).click();
    await screenshot(alice, "web-search-all-rooms-phone.png");

    await hit.click();
    await alice.waitForURL(`${app.server().url}/r/${there}`);
    await message(alice, "pelican").waitFor();
    await expect.poll(() => isFocused(alice, "pelican")).toBe(true);
    expect(await alice.locator("#room-title").textContent()).toContain(there);
  });

  it("takes quotes, NEAR, * and - as words: results or none, never an error", async () => {
    const r = freshRoom("syntax");
    const alice = await join(r, "alice");
    await say(alice, 'she said "near the lake" - NEAR(a b) maybe');
    await seeLine(alice, "near the lake");
    for (const words of ['"near', "NEAR(a b)", "*", "-", 'lake"']) {
      await search(alice, words);
      expect(await state(alice)).toMatch(/^(1 message matches|No messages match) /);
    }
    await search(alice, '"near');
    expect(await results(alice).count()).toBe(1);

    // Escape closes the results, then goes back to where the reader was: the composer.
    await alice.keyboard.press("Escape");
    await alice.locator("#search-panel").waitFor({ state: "hidden" });
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe("search-box");
    await alice.keyboard.press("Escape");
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe("input");
  });

  it("pages back with More results, each match once", async () => {
    const r = freshRoom("more");
    await seed(app.server().url, r, 30);
    const alice = await join(r, "alice");
    // On a phone the box is at the top of the rooms drawer.
    await alice.setViewportSize({ width: 390, height: 844 });
    await alice.getByRole("button", { name: "Rooms" }).click();
    await search(alice, "old");
    expect(await state(alice)).toBe(`20+ messages match “old” in #${r}, newest first.`);
    expect(await results(alice).count()).toBe(20);
    await alice.getByRole("button", { name: "More results" }).click();
    await alice.locator("#search-state", { hasText: "30 messages" }).waitFor();
    expect(await alice.getByRole("button", { name: "More results" }).isHidden()).toBe(true);
    const snippets = await results(alice).locator(".search-snippet").allTextContents();
    expect(snippets).toEqual(Array.from({ length: 30 }, (_, i) => `old ${30 - i}`));
    await screenshot(alice, "web-search-phone-more.png");

    // A result already in the log: the drawer closes and the log scrolls to it.
    await results(alice)
      .filter({ hasText: /^seeder.*old 5$/ })
      .click();
    await expect.poll(() => isFocused(alice, "old 5")).toBe(true);
    expect(await alice.locator("#side").isHidden()).toBe(true);
    expect(await message(alice, "old 5").isVisible()).toBe(true);
    await screenshot(alice, "web-search-phone-landed.png");
  });

  it("says so when there were too many searches", async () => {
    const r = freshRoom("limit");
    const alice = await join(r, "alice");
    for (let i = 0; i < SEARCHES_PER_MINUTE; i++) await search(alice, `word${i}`);
    await search(alice, "one more");
    expect(await state(alice)).toBe("Too many searches; try again in a minute.");
  });
});

describe("the log and the keyboard", () => {
  it("sends a letter typed on a message to the composer", async () => {
    const r = freshRoom("letters");
    const alice = await join(r, "alice");
    await say(alice, "reading this one");
    await message(alice, "reading this one").click();
    await expect.poll(() => isFocused(alice, "reading this one")).toBe(true);
    await alice.keyboard.type("Hi");
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe("input");
    expect(await alice.locator("#input").inputValue()).toBe("Hi");
  });
});
