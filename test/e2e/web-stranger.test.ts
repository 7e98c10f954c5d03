import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, FAST_VARS, message, messageTexts, say, seeLine, waitConnected } from "./browser";

// A grace long enough for a reload on a busy machine: within it, the one who
// reloads is still in the conversation.
const app = appUnderTest({ ...FAST_VARS, RECONNECT_GRACE_SECONDS: "10" });

/** A person in a browser profile of their own, waiting for a stranger who shares `topic`. */
async function stranger(name: string, topic: string): Promise<Page> {
  const context = await app.browser().newContext({ viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${app.server().url}/`);
  await page.fill("#start-name", name);
  await page.fill("#start-tags", topic);
  await page.fill("#start-wants", topic);
  await page.click("#start-stranger");
  await page.waitForURL(`${app.server().url}/stranger`);
  return page;
}

/** Two strangers matched with each other and connected to their room. */
async function matchedPair(): Promise<[Page, Page]> {
  const topic = `t${Date.now().toString(36)}`;
  const ann = await stranger("ann", topic);
  await ann.locator("#waiting-status", { hasText: "number 1 of 1" }).waitFor();
  const ben = await stranger("ben", topic);
  await ann.locator("#room-title", { hasText: "Talking with ben" }).waitFor();
  await ben.locator("#room-title", { hasText: "Talking with ann" }).waitFor();
  await waitConnected(ann);
  await waitConnected(ben);
  return [ann, ben];
}

/** Whether the message `text` offers its reader a Delete button (hovered, as a pointer would). */
async function offersDelete(page: Page, text: string): Promise<boolean> {
  const line = message(page, text).last();
  await line.hover();
  await line.getByRole("button", { name: "Reply", exact: true }).waitFor();
  return (await line.getByRole("button", { name: "Delete", exact: true }).count()) > 0;
}

describe("stranger chat in the web app", () => {
  it("a reload returns to the same conversation, with its history and what the partner said meanwhile", async () => {
    const [ann, ben] = await matchedPair();
    await say(ann, "before the reload");
    await seeLine(ben, "before the reload");

    // The reloaded page's script is held until ben's message is in, so it is surely said while ann is away.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await ann.route("**/app.js", async (route) => {
      await held;
      await route.continue();
    });
    const navigated = ann.waitForEvent("framenavigated");
    const reloading = ann.reload();
    await navigated;
    await say(ben, "said while you reloaded");
    // Acked by the room: it is stored there, for ann to read once she is back.
    await ben.locator("#outbox .line.pending").waitFor({ state: "detached" });
    release();
    await reloading;
    await ann.unrouteAll();

    await ann.locator("#room-title", { hasText: "Talking with ben" }).waitFor();
    await waitConnected(ann);
    await seeLine(ann, "said while you reloaded");
    expect(await messageTexts(ann)).toEqual(["before the reload", "said while you reloaded"]);
    expect(await ann.isVisible("#waiting")).toBe(false);

    await say(ann, "back again");
    await seeLine(ben, "back again");
    // ben never saw ann go: the reload was within the grace.
    expect(await ben.locator("#lines .line.system", { hasText: "left" }).count()).toBe(0);
    expect(await ben.isDisabled("#input")).toBe(false);

    // Nobody runs a stranger room: neither may delete what the other wrote.
    expect(await offersDelete(ann, "said while you reloaded")).toBe(false);
    expect(await offersDelete(ben, "back again")).toBe(false);
    expect(await offersDelete(ann, "back again")).toBe(true);
  });

  it("a reload after the partner left shows the conversation as ended; leaving it then queues, saying why nobody is met", async () => {
    const [ann, ben] = await matchedPair();
    await say(ben, "bye");
    await seeLine(ann, "bye");
    await ben.click("#next");
    await ben.locator("#waiting").waitFor();
    await ann.locator("#room-title", { hasText: "ben left" }).waitFor();

    await ann.reload();
    await ann.locator("#room-title", { hasText: "ben left" }).waitFor();
    await seeLine(ann, "bye");
    expect(await ann.isDisabled("#input")).toBe(true);

    await ann.click("#next");
    await ann.locator("#waiting").waitFor();
    // The two of them wait, and are not matched again: both are told why.
    const why = "The only other person waiting is someone you just talked to";
    await ann.locator("#waiting-status", { hasText: `number 2 of 2 waiting. ${why}` }).waitFor();
    await ben.locator("#waiting-status", { hasText: `number 1 of 2 waiting. ${why}` }).waitFor();
    await ann.reload();
    // Out of the old conversation for good: a reload now waits in the line again.
    await ann.locator("#waiting").waitFor();
    expect(await ann.isVisible("#chat")).toBe(false);
    await ben.click("#waiting-cancel");
  });
});
