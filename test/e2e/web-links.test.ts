import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, returningVisitor, say, screenshot, seeLine, waitConnected } from "./browser";

/** Arriving by a room's link: a broken link says why, and a first-time visitor is asked for a name. */

const app = appUnderTest();

/** A first-time visitor (nothing saved) opening `path`, with the room sockets the page opens. */
async function visit(
  path: string,
  viewport = { width: 1100, height: 720 },
): Promise<{ page: Page; sockets: string[] }> {
  const context = await app.browser().newContext({ viewport });
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`${app.server().url}${path}`);
  await page.locator("#start").waitFor();
  return { page, sockets };
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id);

describe("a room's link", () => {
  it("that is malformed says on the start screen why it led there", async () => {
    const { page, sockets } = await visit("/r/has%20space");
    await page
      .locator("#start-error", { hasText: "“has space” is not a room name: use 1-64 letters, digits, - and _." })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    expect(await page.inputValue("#start-room")).toBe("has space");
    expect(await focused(page)).toBe("start-room");
    expect(sockets).toEqual([]);
    await page.context().close();
  });

  it("asks a first-time visitor for a name, with the room filled in, and joins under it", async () => {
    const room = freshRoom("invited");
    const { page, sockets } = await visit(`/r/${room}`);
    await page.locator("#start-invite", { hasText: `#${room}` }).waitFor();
    expect(await page.inputValue("#start-room")).toBe(room);
    expect(await focused(page)).toBe("start-name");
    expect(await page.isVisible("#start-anon")).toBe(true);
    expect(sockets).toEqual([]);
    await screenshot(page, "link-asks-name-desktop.png");

    await page.fill("#start-name", "zoe");
    await page.press("#start-name", "Enter");
    await waitConnected(page);
    expect(new URL(page.url()).pathname).toBe(`/r/${room}`);
    await seeLine(page, "zoe joined", ".line.system");

    // Next time the name is known: the link joins at once.
    const again = await page.context().newPage();
    await again.goto(`${app.server().url}/r/${room}`);
    await waitConnected(again);
    expect(await again.isVisible("#start")).toBe(false);
    await page.context().close();
  });

  it("lets a first-time visitor join without a name when they choose to, on a phone too", async () => {
    const room = freshRoom("anon");
    const { page } = await visit(`/r/${room}`, { width: 390, height: 740 });
    await page.locator("#start-invite", { hasText: `#${room}` }).waitFor();
    await screenshot(page, "link-asks-name-phone.png");
    await page.click("#start-anon");
    await waitConnected(page);
    await seeLine(page, "Anon_", ".line.system.event-join");
    expect(new URL(page.url()).pathname).toBe(`/r/${room}`);
    await page.context().close();
  });

  it("with capitals opens the room in lower case, the one typed in capitals on the start screen too", async () => {
    const room = freshRoom("case");
    const shouted = room.toUpperCase();
    const alice = await app.browser().newContext({ viewport: { width: 1100, height: 720 } });
    await returningVisitor(alice, "alice");
    const byLink = await alice.newPage();
    await byLink.goto(`${app.server().url}/r/${shouted}`);
    await waitConnected(byLink);
    expect(new URL(byLink.url()).pathname).toBe(`/r/${room}`);
    expect(await byLink.textContent("#room-title")).toBe(`#${room}`);

    const bob = await visit("/");
    await bob.page.fill("#start-room", `Case-${room.slice("case-".length)}`);
    await bob.page.fill("#start-name", "bob");
    await bob.page.press("#start-name", "Enter");
    await waitConnected(bob.page);
    expect(new URL(bob.page.url()).pathname).toBe(`/r/${room}`);
    expect(bob.sockets.map((url) => new URL(url).pathname)).toEqual([`/chat/${room}`]);
    await say(bob.page, "one room, whatever the case");
    await seeLine(byLink, "one room, whatever the case", ".line.message");
    await alice.close();
    await bob.page.context().close();
  });
});
