import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { act, appUnderTest, freshRoom, joinAs, message, openConversation, say, screenshot, seeLine } from "./browser";

/**
 * How the web app looks and reads: screenshots of a busy room, a private
 * conversation and a lost connection, on a desktop and a phone, in light and
 * dark; and axe-core's accessibility rules on each screen, in both schemes.
 */

const app = appUnderTest();
const room = freshRoom;
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now; returns the serious and critical violations. */
async function axe(page: Page): Promise<Violation[]> {
  // Evaluated through the debugging protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run(context?: unknown, options?: unknown): Promise<{ violations: Violation[] }> } }
    ).axe.run(document, { resultTypes: ["violations"] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ ...v, nodes: v.nodes.slice(0, 5) }));
}

/** A busy room: replies, reactions, an edit, a deletion, code, links, a mention, a DM, several days. */
async function busyRoom(): Promise<{ alice: Page; bob: Page; r: string }> {
  const r = room("busy");
  const alice = await joinAs(app.browser(), app.server().url, r, "alice");
  const bob = await joinAs(app.browser(), app.server().url, r, "bob");
  await say(alice, "Morning! Did the deploy go out?");
  await say(bob, "Yes — see https://example.com/releases/42 for the notes.");
  await say(bob, "One thing: the config moved. Run this:\n```\nnpx wrangler deploy --env production\n```");
  await say(alice, "Thanks @bob, **that** did it. The `--env` flag was *the* missing piece.");
  await seeLine(bob, "missing piece");
  await act(bob, "Did the deploy go out?", "Reply");
  await say(bob, "Also: the dashboard shows it live now");
  await act(alice, "the config moved", "React");
  await alice.locator("#picker").getByRole("button", { name: "React with 👍" }).click();
  await act(bob, "the config moved", "React");
  await bob.locator("#picker").getByRole("button", { name: "React with 🎉" }).click();
  await say(alice, "typo hree");
  await seeLine(alice, "typo hree");
  await alice.focus("#input");
  await alice.keyboard.press("ArrowUp");
  await alice.fill("#input", "typo here, fixed");
  await alice.keyboard.press("Enter");
  await say(bob, "ignore this one");
  await seeLine(bob, "ignore this one");
  await act(bob, "ignore this one", "Delete");
  await message(bob, "ignore this one").getByRole("button", { name: "Click again to delete this message" }).click();
  await say(bob, "مرحبا بالجميع — a line in Arabic reads right to left");
  await say(bob, "/msg alice lunch at noon?");
  await message(alice, "right to left").waitFor();
  await message(alice, "typo here, fixed").locator(".edited").waitFor();
  await alice.locator("#lines .line.deleted").waitFor();
  await message(alice, "the config moved").locator(".chip", { hasText: "🎉" }).waitFor();
  return { alice, bob, r };
}

describe("the web app's look and accessibility", () => {
  it("renders a busy room: code, links, replies, reactions, markers, right-to-left text", async () => {
    const { alice } = await busyRoom();
    const code = message(alice, "the config moved").locator("pre code");
    expect(await code.textContent()).toBe("npx wrangler deploy --env production");
    const link = message(alice, "releases/42").locator("a");
    expect(await link.getAttribute("href")).toBe("https://example.com/releases/42");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await message(alice, "did it").locator("strong").textContent()).toBe("that");
    expect(await message(alice, "did it").locator("em").textContent()).toBe("the");
    expect(await message(alice, "did it").locator(".text code").textContent()).toBe("--env");
    expect(await message(alice, "right to left").locator(".text").getAttribute("dir")).toBe("auto");
    expect(await alice.locator("#lines .day").first().textContent()).toBe("Today");
    const time = alice.locator("#lines .line.message .ts").first();
    expect(await time.getAttribute("title")).toMatch(/\d{4}/);
    // bob's two messages in a row sit under one name.
    expect(await message(alice, "the config moved").getAttribute("class")).toContain("cont");

    await alice.locator("#log").evaluate((log) => log.scrollTo(0, log.scrollHeight));
    await screenshot(alice, "busy-desktop-light.png");
    await alice.emulateMedia({ colorScheme: "dark" });
    await screenshot(alice, "busy-desktop-dark.png");
    await alice.setViewportSize({ width: 390, height: 760 });
    await alice.locator("#log").evaluate((log) => log.scrollTo(0, log.scrollHeight));
    await screenshot(alice, "busy-phone-dark.png");
    await alice.emulateMedia({ colorScheme: "light" });
    await screenshot(alice, "busy-phone-light.png");
    expect(await alice.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await openConversationOnPhone(alice, "bob");
    await seeLine(alice, "lunch at noon?", ".line.dm");
    await screenshot(alice, "dm-phone-light.png");
    await alice.setViewportSize({ width: 1100, height: 720 });
    await alice.emulateMedia({ colorScheme: "dark" });
    await screenshot(alice, "dm-desktop-dark.png");
  });
  it("passes axe-core with no serious or critical violations on every screen, light and dark", async () => {
    const { alice, r } = await busyRoom();
    const context = await app.browser().newContext({ viewport: { width: 1100, height: 720 } });
    const start = await context.newPage();
    await start.goto(`${app.server().url}/`);
    await start.locator("#start").waitFor();
    // A visit leaves the room in the recent list, so the start screen shows it too.
    await start.evaluate((room) => localStorage.setItem("hallway:recent", JSON.stringify([{ room, seenAt: 0 }])), r);
    await start.reload();
    await start.locator("#recent-list a").waitFor();
    await screenshot(start, "start-desktop-light.png");

    const tag = `only-${Date.now().toString(36)}`;
    const stranger = await context.newPage();
    await stranger.goto(`${app.server().url}/`);
    await stranger.fill("#start-name", "ann");
    await stranger.fill("#start-tags", tag);
    await stranger.press("#start-tags", "Enter");
    await stranger.locator("#waiting-status", { hasText: "number 1" }).waitFor();
    // A stranger chat whose partner has left: the header says so, the composer is off, "Next stranger" waits.
    const other = await app.browser().newContext({ viewport: { width: 390, height: 760 } });
    const ben = await other.newPage();
    const strangerChat = async () => {
      await ben.goto(`${app.server().url}/`);
      await ben.fill("#start-name", "ben");
      await ben.fill("#start-tags", tag);
      await ben.press("#start-tags", "Enter");
      await ben.locator("#room-title", { hasText: "Talking with ann" }).waitFor();
      await stranger.locator("#room-title", { hasText: "Talking with ben" }).waitFor();
      await say(stranger, "hi! what brings you here?");
      await seeLine(ben, "what brings you here?");
      await stranger.click("#next");
      await ben.locator("#room-title", { hasText: "ann left" }).waitFor();
      await screenshot(ben, "stranger-left-phone-light.png");
    };

    const screens: [string, Page, () => Promise<void>][] = [
      ["start screen", start, async () => undefined],
      ["busy room", alice, async () => undefined],
      ["DM conversation", alice, () => openConversation(alice, "bob")],
      ["stranger screen", stranger, async () => undefined],
      ["stranger chat", ben, strangerChat],
    ];
    const found: Record<string, Violation[]> = {};
    for (const [name, page, before] of screens) {
      await before();
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await screenshot(page, `axe-${name.replaceAll(" ", "-")}-${scheme}.png`);
        const violations = await axe(page);
        if (violations.length > 0) found[`${name}, ${scheme}`] = violations;
      }
    }
    expect(found).toEqual({});
    await context.close();
    await other.close();
  });

  it("closes the people drawer on Escape and on a tap outside; on a desktop the count hides and shows the list", async () => {
    const { alice } = await busyRoom();
    expect(await alice.getAttribute("#users-toggle", "aria-expanded")).toBe("true");
    await alice.click("#users-toggle");
    await alice.locator("#users").waitFor({ state: "hidden" });
    expect(await alice.getAttribute("#users-toggle", "aria-expanded")).toBe("false");
    await alice.click("#users-toggle");
    await alice.locator("#users").waitFor();

    await alice.setViewportSize({ width: 390, height: 760 });
    await alice.locator("#users").waitFor({ state: "hidden" });
    await alice.click("#users-toggle");
    await alice.locator("#users").waitFor();
    await screenshot(alice, "drawer-phone-light.png");
    await alice.keyboard.press("Escape");
    await alice.locator("#users").waitFor({ state: "hidden" });
    await alice.click("#users-toggle");
    await alice.locator("#users").waitFor();
    await alice.mouse.click(40, 400);
    await alice.locator("#users").waitFor({ state: "hidden" });
  });

  it("gives every control a touch target of at least 24 by 24 px on a phone", async () => {
    const { alice } = await busyRoom();
    await alice.setViewportSize({ width: 390, height: 760 });
    await alice.locator("#log").evaluate((log) => log.scrollTo(0, log.scrollHeight));
    // Links inside a sentence are exempt (they flow with the text); everything else a finger can reach counts.
    const small = async () =>
      alice.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("button, a, [role=option], .pick")]
          .filter((e) => !e.closest(".text") && e.getClientRects().length > 0)
          .filter((e) => getComputedStyle(e).visibility !== "hidden" && !e.closest("[hidden]"))
          .map((e) => ({
            what: e.getAttribute("aria-label") ?? e.textContent?.trim() ?? e.id,
            box: e.getBoundingClientRect(),
          }))
          .filter(({ box }) => box.width < 24 || box.height < 24)
          .map(({ what, box }) => `${what}: ${Math.round(box.width)}x${Math.round(box.height)}`),
      );
    expect(await small()).toEqual([]);
    await alice.click("#users-toggle");
    await alice.locator("#users").waitFor();
    expect(await small()).toEqual([]);
  });
});

/** On a phone the conversations are in the drawer opened from the header. */
async function openConversationOnPhone(page: Page, name: string): Promise<void> {
  await page.click("#users-toggle");
  await openConversation(page, name);
  await page.locator("#users").waitFor({ state: "hidden" });
}
