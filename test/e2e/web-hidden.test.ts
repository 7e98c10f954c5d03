import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, FAST_VARS, freshRoom, joinAs, say, seeLine, waitConnected } from "./browser";

/**
 * A tab left in the background stays in the room. After a few minutes
 * hidden, Chromium wakes a page's own timers at most once a minute, aligned
 * to the minute; a heartbeat driven by them would go out about every minute,
 * past the room's idle limit. Headless Chromium never hides a page, so this
 * file plays the browser's part: the page is told it is hidden, and from then
 * on its main-thread timers run as that throttling runs them. The heartbeat's
 * timers live in a dedicated worker, which the throttling does not reach.
 *
 * The idle limit is 45 s here (the default is 60 s), so that the slowed page
 * timers lose the connection for certain within the test, yet the 25 s
 * heartbeat is well inside it.
 */
const app = appUnderTest({ ...FAST_VARS, IDLE_TIMEOUT_SECONDS: "45" });

/** A person whose tab can be sent to the background; `worker: false` takes the Worker away, as a control. */
async function person(room: string, name: string, worker = true): Promise<{ page: Page; context: BrowserContext }> {
  const context = await app.browser().newContext({ viewport: { width: 1000, height: 700 } });
  await context.addInitScript((withWorker: boolean) => {
    if (!withWorker) Object.assign(window, { Worker: undefined });
    const MINUTE = 60_000;
    let throttled = false;
    const realTimeout = window.setTimeout.bind(window);
    const realInterval = window.setInterval.bind(window);
    // One-shot timers wait for the next whole minute; repeating ones run at most once in each minute.
    window.setTimeout = ((run: TimerHandler, ms = 0, ...args: unknown[]) => {
      if (!throttled || typeof run !== "function") return realTimeout(run, ms, ...args);
      const due = Date.now() + ms;
      return realTimeout(run, Math.ceil(due / MINUTE) * MINUTE - Date.now(), ...args);
    }) as typeof window.setTimeout;
    window.setInterval = ((run: TimerHandler, ms = 0, ...args: unknown[]) => {
      if (typeof run !== "function") return realInterval(run, ms, ...args);
      let slot = -1;
      return realInterval(() => {
        const now = Math.floor(Date.now() / MINUTE);
        if (throttled && now === slot) return;
        slot = now;
        run(...args);
      }, ms);
    }) as typeof window.setInterval;
    Object.assign(window, {
      sendToBackground() {
        throttled = true;
        Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
        document.dispatchEvent(new Event("visibilitychange"));
      },
    });
  }, worker);
  const page = await context.newPage();
  await page.goto(`${app.server().url}/`);
  await page.fill("#start-room", room);
  await page.fill("#start-name", name);
  await page.click("#start-form button[type=submit]");
  await waitConnected(page);
  await seeLine(page, `${name} joined`, ".line.system");
  return { page, context };
}

describe("a tab in the background", () => {
  it("stays connected through throttled timers, its heartbeat kept by a worker", { timeout: 240_000 }, async () => {
    const r = freshRoom("hidden");
    const bob = await joinAs(app.browser(), app.server().url, r, "bob");
    const alice = await person(r, "alice");
    // The same tab without the worker: its heartbeat is left to the slowed page timers.
    const carol = await person(r, "carol", false);
    await alice.page.evaluate(() => {
      const status = document.getElementById("status") as HTMLElement;
      const said: string[] = [];
      new MutationObserver(() => said.push(status.textContent ?? "")).observe(status, {
        subtree: true,
        childList: true,
      });
      Object.assign(window, { statusSaid: said });
    });
    for (const { page } of [alice, carol]) {
      await page.evaluate(() => (window as unknown as { sendToBackground(): void }).sendToBackground());
    }

    // carol goes silent for longer than the idle limit and is evicted: the throttling is real enough to bite.
    await bob.locator("#lines .line.system", { hasText: "carol left (inactive)" }).waitFor({ timeout: 150_000 });
    // By then alice has been in the background at least as long, and nothing happened to her connection.
    await say(bob, "still there, alice?");
    await seeLine(alice.page, "still there, alice?");
    const notices = await bob.locator("#lines .line.system .text").allTextContents();
    expect(notices.filter((n) => n.includes("alice"))).toEqual(["alice joined"]);
    expect(await alice.page.evaluate(() => (window as unknown as { statusSaid: string[] }).statusSaid)).toEqual([]);
    for (const { context } of [alice, carol]) await context.close();
  });
});
