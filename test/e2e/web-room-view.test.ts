import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, joinAs, message, messageTexts, say, screenshot, seed, seeLine } from "./browser";

/** The room view as chat apps have it: newest at the bottom, history on scrolling up, and a keyboard-friendly log. */

const app = appUnderTest();

const join = (room: string, name: string) => joinAs(app.browser(), app.server().url, room, name);

/** What has the focus, in words: a line's spoken label, a button's name, or an id. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a) return "";
    return a.getAttribute("aria-label") ?? (a.id || (a.textContent ?? ""));
  });
}

/**
 * Pixels between the bottom of the log's newest line and the top of the
 * composer, once the message with `text` is on the page (a notice may follow it).
 */
async function gapAboveComposer(page: Page, text: string): Promise<number> {
  await message(page, text).waitFor();
  const newest = await page.locator("#lines > li.line").last().boundingBox();
  const composer = await page.locator("footer.composer").boundingBox();
  if (!newest || !composer) throw new Error("not on screen");
  return composer.y - (newest.y + newest.height);
}

describe("the room view", () => {
  it("shows a short conversation's newest message just above the composer, on a desktop and a phone", async () => {
    const r = freshRoom("bottom");
    const alice = await join(r, "alice");
    const bob = await join(r, "bob");
    await say(alice, "Morning! Is the build green?");
    await say(bob, "It is — shipped the fix for the login page an hour ago.");
    await say(alice, "Great, thanks 🎉");
    await seeLine(alice, "Great, thanks");
    for (const [viewport, name] of [
      [{ width: 1280, height: 800 }, "room-view-desktop.png"],
      [{ width: 390, height: 844 }, "room-view-phone.png"],
    ] as const) {
      await alice.setViewportSize(viewport);
      await expect.poll(() => gapAboveComposer(alice, "Great, thanks")).toBeLessThan(32);
      expect(await gapAboveComposer(alice, "Great, thanks")).toBeGreaterThanOrEqual(0);
      // The oldest line is far from the top: the log grows upward from the composer.
      const log = await alice.locator("#log").boundingBox();
      const first = await alice.locator("#lines > li").first().boundingBox();
      expect((first?.y ?? 0) - (log?.y ?? 0)).toBeGreaterThan(100);
      await screenshot(alice, name);
    }
  });

  it("follows new messages at the bottom; scrolled up, it keeps the reader's place and offers a jump", async () => {
    const r = freshRoom("follow");
    await seed(app.server().url, r, 60);
    const alice = await join(r, "alice");
    const bob = await join(r, "bob");
    await say(bob, "still at the bottom?");
    await expect.poll(() => gapAboveComposer(alice, "still at the bottom?")).toBeLessThan(32);

    const reading = message(alice, "old 30");
    await reading.evaluate((li) => li.scrollIntoView({ block: "center" }));
    const before = await reading.boundingBox();
    for (let i = 1; i <= 3; i++) await say(bob, `while you read ${i}`);
    await seeLine(alice, "while you read 3");
    const after = await reading.boundingBox();
    expect(Math.abs((after?.y ?? 0) - (before?.y ?? 1000))).toBeLessThan(2);
    const jump = alice.locator("#jump");
    await jump.waitFor();
    // The jump sits over the bottom of the log, in view.
    const log = await alice.locator("#log").boundingBox();
    const box = await jump.boundingBox();
    if (!log || !box) throw new Error("not on screen");
    expect(box.y + box.height).toBeLessThanOrEqual(log.y + log.height);
    expect(box.y + box.height).toBeGreaterThan(log.y + log.height - 40);
    await screenshot(alice, "room-view-jump.png");
    await jump.click();
    await expect.poll(() => gapAboveComposer(alice, "while you read 3")).toBeLessThan(32);
    expect(await jump.isHidden()).toBe(true);
  });

  it("loads older pages by itself as the reader scrolls up, one at a time, to the room's first message", async () => {
    const r = freshRoom("scroll");
    await seed(app.server().url, r, 250);
    const alice = await join(r, "alice");
    let inFlight = 0;
    let most = 0;
    const isPage = (url: string) => url.includes("/history?");
    alice.on("request", (req) => {
      if (!isPage(req.url())) return;
      inFlight++;
      most = Math.max(most, inFlight);
    });
    const settled = (req: { url(): string }) => {
      if (isPage(req.url())) inFlight--;
    };
    alice.on("requestfinished", settled);
    alice.on("requestfailed", settled);
    expect((await messageTexts(alice)).at(-1)).toBe("old 250");
    const count = () => alice.locator("#lines .line.message").count();
    for (let turn = 0; turn < 10 && (await alice.isVisible("#older")); turn++) {
      const before = await count();
      await alice.evaluate(() => document.getElementById("log")?.scrollTo(0, 0));
      await alice.waitForFunction(
        (n) =>
          document.querySelectorAll("#lines .line.message").length > n ||
          (document.getElementById("older") as HTMLButtonElement).hidden,
        before,
      );
    }
    await alice.waitForFunction(() => (document.getElementById("older") as HTMLButtonElement).hidden);
    const texts = await messageTexts(alice);
    expect(texts).toEqual(Array.from({ length: 250 }, (_, i) => `old ${i + 1}`));
    expect(most).toBe(1);
  });

  it("is one Tab stop, with arrows between messages and into their actions", async () => {
    const r = freshRoom("keys");
    await seed(app.server().url, r, 100);
    const alice = await join(r, "alice");
    await join(r, "bob");
    await seeLine(alice, "bob joined", ".line.system");
    await say(alice, "ready when you are");
    await message(alice, "ready when you are").waitFor();

    // From the header to the people panel, past a log of 100 messages.
    await alice.focus("#back");
    const stops: string[] = [];
    const inLog: string[] = [];
    const where = () => alice.evaluate(() => document.activeElement?.closest("#users, #lines")?.id ?? "");
    while (stops.length < 30 && (await where()) !== "users") {
      await alice.keyboard.press("Tab");
      stops.push(await focused(alice));
      if ((await where()) === "lines") inLog.push(await focused(alice));
    }
    expect(stops.length).toBeLessThanOrEqual(10);
    // The log's one stop is its newest message.
    expect(inLog).toHaveLength(1);
    expect(inLog[0]).toMatch(/^alice: ready when you are, /);

    // Back into the log, where the focus was.
    await alice.keyboard.press("Shift+Tab");
    await expect.poll(() => focused(alice)).toMatch(/^alice: ready when you are/);
    await alice.keyboard.press("ArrowUp");
    const lineBefore = await message(alice, "ready when you are").evaluate((li) => {
      let e = li.previousElementSibling;
      while (e && !e.matches("li.line")) e = e.previousElementSibling;
      return e === document.activeElement;
    });
    expect(lineBefore).toBe(true);
    // Home goes to the first line loaded; being at the top loads the rest of this short history above.
    await alice.keyboard.press("Home");
    await alice.waitForFunction(() => (document.getElementById("older") as HTMLButtonElement).hidden);
    await alice.keyboard.press("Home");
    const first = alice.locator("#lines > li.line").first();
    expect(await first.evaluate((li) => li === document.activeElement)).toBe(true);
    expect(await focused(alice)).toContain("seeder joined");
    await alice.keyboard.press("ArrowDown");
    expect(await focused(alice)).toMatch(/^seeder: old 1,/);
    await alice.keyboard.press("End");
    expect(await focused(alice)).toMatch(/^alice: ready when you are/);

    // Right moves into the message's actions, Left and Escape back out, Enter presses one.
    await alice.keyboard.press("ArrowRight");
    expect(await focused(alice)).toBe("Reply");
    await alice.keyboard.press("ArrowRight");
    expect(await focused(alice)).toBe("React");
    await alice.keyboard.press("ArrowLeft");
    expect(await focused(alice)).toBe("Reply");
    await alice.keyboard.press("Escape");
    expect(await focused(alice)).toMatch(/^alice: ready when you are/);
    await screenshot(alice, "room-view-keyboard.png");
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("Enter");
    await alice.locator("#compose-mode", { hasText: "Replying to alice" }).waitFor();
    expect(await focused(alice)).toBe("Message");

    // Tab comes back to the message last visited, not the newest.
    await alice.keyboard.press("Escape");
    await say(alice, "one more");
    await message(alice, "one more").waitFor();
    await alice.focus("#back");
    for (let i = 0; i < 10 && !(await focused(alice)).includes(": "); i++) await alice.keyboard.press("Tab");
    expect(await focused(alice)).toMatch(/^alice: ready when you are/);
  });

  it("moves through the emoji picker with the arrows; Enter picks and Escape goes back to React", async () => {
    const r = freshRoom("picker");
    const alice = await join(r, "alice");
    const bob = await join(r, "bob");
    await say(bob, "shipped the release");
    await seeLine(alice, "shipped the release");
    const line = message(alice, "shipped the release");
    await line.focus();
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("ArrowRight");
    expect(await focused(alice)).toBe("React");
    await alice.keyboard.press("Enter");
    await alice.locator("#picker").waitFor();
    expect(await focused(alice)).toBe("React with 👍");
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("ArrowLeft");
    expect(await focused(alice)).toBe("React with ❤️");
    await screenshot(alice, "room-view-picker.png");
    // One Tab stop for the whole grid.
    expect(await alice.locator("#picker button[tabindex='0']").count()).toBe(1);
    await alice.keyboard.press("Enter");
    await line.locator(".chip", { hasText: "❤️" }).waitFor();
    expect(await alice.isHidden("#picker")).toBe(true);
    await expect.poll(() => focused(alice)).toBe("React");

    // Up and Down go a row, as the emoji wrap on screen (narrowed here to wrap them).
    await alice.keyboard.press("Enter");
    await alice.locator("#picker").waitFor();
    await alice.evaluate(() => {
      (document.getElementById("picker") as HTMLElement).style.maxWidth = "9rem";
    });
    const box = async () => {
      const b = await alice.locator("#picker button:focus").boundingBox();
      if (!b) throw new Error("no emoji has the focus");
      return b;
    };
    const top = await box();
    await alice.keyboard.press("ArrowDown");
    const below = await box();
    expect(below.x).toBeCloseTo(top.x, 0);
    expect(below.y).toBeGreaterThan(top.y + top.height / 2);
    await alice.keyboard.press("ArrowUp");
    expect(await focused(alice)).toBe("React with 👍");
    await alice.keyboard.press("End");
    expect(await focused(alice)).toBe("React with 👀");
    await alice.keyboard.press("Escape");
    expect(await alice.isHidden("#picker")).toBe(true);
    expect(await focused(alice)).toBe("React");
    expect(await line.locator(".chip").count()).toBe(1);
  });
});
