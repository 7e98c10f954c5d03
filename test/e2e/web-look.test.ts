import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  act,
  appUnderTest,
  freshRoom,
  joinAs,
  message,
  openConversation,
  say,
  screenshot,
  seeLine,
  waitConnected,
} from "./browser";

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
});

/** On a phone the conversations are in the drawer opened from the header. */
async function openConversationOnPhone(page: Page, name: string): Promise<void> {
  await page.click("#users-toggle");
  await openConversation(page, name);
  await page.locator("#users").waitFor({ state: "hidden" });
}
