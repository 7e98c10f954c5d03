import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, returningVisitor, say, seeLine, waitConnected } from "./browser";

/** The start screen: names checked as the server checks them, and stranger chat as a form of its own. */

const app = appUnderTest();

async function startScreen(): Promise<{ page: Page; sockets: string[] }> {
  const context = await app.browser().newContext({ viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`${app.server().url}/`);
  await page.locator("#start").waitFor();
  return { page, sockets };
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

describe("the start screen", () => {
  it("puts the cursor in the name field for a newcomer, and in the room field once a name is saved", async () => {
    const { page } = await startScreen();
    expect(await focusedId(page)).toBe("start-name");
    await page.context().close();

    const context = await app.browser().newContext();
    await returningVisitor(context, "rosa");
    const again = await context.newPage();
    await again.goto(`${app.server().url}/`);
    await again.locator("#start").waitFor();
    expect(await again.inputValue("#start-name")).toBe("rosa");
    expect(await focusedId(again)).toBe("start-room");
    await context.close();
  });

  it("says why a name cannot be used, before trying to join", async () => {
    const { page, sockets } = await startScreen();
    const tryName = async (name: string, reason: string) => {
      await page.fill("#start-name", name);
      await page.click("#start-form button[type=submit]");
      await page.locator("#name-error", { hasText: reason }).waitFor();
      expect(await page.getAttribute("#start-name", "aria-invalid")).toBe("true");
    };
    await tryName("al ice", "cannot contain spaces");
    await tryName("x".repeat(40), "at most 32 characters");
    await tryName("al\u200bice", "invisible characters");
    expect(page.url()).toBe(`${app.server().url}/`);
    expect(sockets).toEqual([]);

    await page.fill("#start-name", "alice");
    await page.fill("#start-room", freshRoom("named"));
    await page.click("#start-form button[type=submit]");
    await waitConnected(page);
    await seeLine(page, "alice joined", ".line.system");
    await page.context().close();
  });

  it("checks stranger tags with the matchmaker's rules, and Enter there starts stranger chat", async () => {
    const { page, sockets } = await startScreen();
    await page.fill("#start-name", "ann");
    await page.fill("#start-tags", "music, c++");
    await page.press("#start-tags", "Enter");
    await page
      .locator("#stranger-error", { hasText: "Your interests: a tag is 1-24 letters, digits, _ or -" })
      .waitFor();
    await page.fill("#start-tags", "a, b, c, d, e, f");
    await page.press("#start-tags", "Enter");
    await page.locator("#stranger-error", { hasText: "at most 5 tags" }).waitFor();
    expect(sockets).toEqual([]);
    expect(await page.isVisible("#start")).toBe(true);

    await page.fill("#start-tags", "music, chess");
    await page.press("#start-tags", "Enter");
    await page.waitForURL(`${app.server().url}/stranger`);
    await page.locator("#waiting-status", { hasText: "number 1 of 1" }).waitFor();
    expect(sockets.map((u) => new URL(u).pathname)).toEqual(["/match"]);
    await page.click("#waiting-cancel");
    await page.context().close();
  });

  it("never matches you again with the stranger you just left", async () => {
    const topic = `t${Date.now().toString(36)}`;
    const stranger = async (name: string) => {
      const { page } = await startScreen();
      await page.fill("#start-name", name);
      await page.fill("#start-wants", topic);
      await page.fill("#start-tags", topic);
      await page.press("#start-tags", "Enter");
      await page.waitForURL(`${app.server().url}/stranger`);
      return page;
    };
    const ann = await stranger("ann");
    const ben = await stranger("ben");
    await ann.locator("#room-title", { hasText: "Talking with ben" }).waitFor();
    await waitConnected(ann);
    await say(ann, "hi ben");
    await seeLine(ben, "hi ben");
    // ben moves on; both are in the line again, and compatible, but just met.
    await ben.click("#next");
    await ben.locator("#waiting").waitFor();
    await ann.locator("#room-title", { hasText: "ben left" }).waitFor();
    await ann.click("#next");
    await ann.locator("#waiting").waitFor();
    await ann.locator("#waiting-status", { hasText: "of 2 waiting" }).waitFor();
    const cat = await stranger("cat");
    await cat.locator("#room-title", { hasText: "Talking with" }).waitFor();
    const partner = (await cat.locator("#room-title").textContent()) ?? "";
    expect(["Talking with ann", "Talking with ben"]).toContain(partner);
    // Whoever cat did not get is still waiting, not sent back to the one they left.
    const left = partner.endsWith("ann") ? ben : ann;
    expect(await left.isVisible("#waiting")).toBe(true);
    for (const page of [ann, ben, cat]) await page.context().close();
  });
});
