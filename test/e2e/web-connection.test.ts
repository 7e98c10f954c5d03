import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import {
  FAST_VARS,
  freshRoom,
  joinAs,
  launchBrowser,
  returningVisitor,
  say,
  screenshot,
  seeLine,
  waitConnected,
} from "./browser";

/**
 * A lost connection is obvious and costs nothing typed: a banner over the
 * log, a composer that still takes messages, the people list marked as last
 * known, and a quick return once the server is back. This file restarts its
 * own server, with a grace longer than a restart so nobody is seen leaving.
 */

const vars = { ...FAST_VARS, RECONNECT_GRACE_SECONDS: "30" };
let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer({ vars }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(() => server?.thaw());

describe("the web app without a connection", () => {
  it("shows a banner, keeps the composer working, marks the people list, and is back within about 2 s", async () => {
    const r = freshRoom("banner");
    const alice = await joinAs(browser, server.url, r, "alice");
    const bob = await joinAs(browser, server.url, r, "bob");
    await say(alice, "before the outage");
    await seeLine(bob, "before the outage");
    // Every text the status line shows, to prove it speaks on changes only.
    await alice.evaluate(() => {
      const status = document.getElementById("status") as HTMLElement;
      const said: string[] = [];
      new MutationObserver(() => said.push(status.textContent ?? "")).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
      Object.assign(window, { statusSaid: said });
    });

    const { port, persistDir } = server;
    await server.stop();
    const banner = alice.locator("#banner");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("Connection lost");
    await alice.locator("#users.stale").waitFor();
    expect(await alice.locator("#users-heading").textContent()).toBe("Last known");
    expect(await alice.locator("#user-list .pick").allTextContents()).toEqual(["alice", "bob"]);
    expect(await alice.isEnabled("#input")).toBe(true);
    await say(alice, "typed while the server is down");
    await alice
      .locator('#outbox .line.pending[data-state="waiting"]', { hasText: "typed while the server is down" })
      .waitFor();
    // A few tries go by.
    await banner.locator("text=/try [3-9]/").waitFor({ timeout: 15_000 });
    await screenshot(alice, "banner-desktop-light.png");
    await alice.emulateMedia({ colorScheme: "dark" });
    await alice.setViewportSize({ width: 390, height: 760 });
    await screenshot(alice, "banner-phone-dark.png");
    await alice.setViewportSize({ width: 1100, height: 720 });
    await alice.emulateMedia({ colorScheme: "light" });

    server = await startDevServer({ port, persistDir, vars });
    const back = Date.now();
    await waitConnected(alice, 10_000);
    const took = Date.now() - back;
    // The backoff is capped at 2 s; joining takes a moment more (longer on a busy test machine).
    expect(took).toBeLessThan(4000);
    await banner.waitFor({ state: "hidden" });
    await seeLine(bob, "typed while the server is down");
    expect(await alice.locator("#users.stale").count()).toBe(0);
    expect(await alice.locator("#users-heading").textContent()).toBe("Here now");
    const said = await alice.evaluate(() => (window as unknown as { statusSaid: string[] }).statusSaid);
    expect(said).toEqual(["reconnecting…", "connected"]);
  });

  it("fails an upload visibly when the server stops mid-way, and sends it on Retry once the server is back", async () => {
    const r = freshRoom("upload-outage");
    const alice = await joinAs(browser, server.url, r, "alice");
    const bob = await joinAs(browser, server.url, r, "bob");
    // A slow uplink, so the server can stop while the bytes are on their way.
    const uplink = await alice.context().newCDPSession(alice);
    const throttle = (bytesPerSecond: number) =>
      uplink.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: bytesPerSecond,
      });
    await throttle(256 * 1024);
    await alice.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(2 * 1024 * 1024).fill(7)], "backup.bin"));
      document
        .getElementById("log")
        ?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const upload = alice.locator("#uploads .upload", { hasText: "backup.bin" });
    await expect
      .poll(() => upload.locator("progress").evaluate((p: HTMLProgressElement) => p.value))
      .toBeGreaterThan(0);

    const { port, persistDir } = server;
    await server.stop();
    await upload.getByRole("button", { name: "Retry" }).waitFor({ timeout: 15_000 });
    expect(await upload.locator(".up-state").textContent()).toMatch(/^Not uploaded: /);
    await alice.fill("#input", "the backup");
    await alice.press("#input", "Enter");
    await alice.locator("#notice", { hasText: "Not sent: a file did not upload" }).waitFor();
    await screenshot(alice, "web-files-server-stopped.png");

    server = await startDevServer({ port, persistDir, vars });
    await waitConnected(alice, 10_000);
    await throttle(-1);
    await upload.getByRole("button", { name: "Retry" }).click();
    await alice.press("#input", "Enter");
    await seeLine(bob, "the backup");
    await bob.locator("#lines .file-card", { hasText: "backup.bin" }).waitFor();
    expect(await alice.locator("#uploads .upload").count()).toBe(0);
  });

  it("offers 'Reconnect now', which starts the backoff over and is back once the server is", async () => {
    const r = freshRoom("now");
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    // A network switch the test controls: while off, every new socket is closed before it reaches the server.
    const network = { on: true };
    let tries = 0;
    await context.routeWebSocket(/\/chat\//, (ws) => {
      tries++;
      if (!network.on) {
        ws.close({ code: 1011, reason: "unreachable" });
        return;
      }
      const upstream = ws.connectToServer();
      ws.onMessage((m) => upstream.send(m));
      ws.onClose((code, reason) => upstream.close({ code, reason }));
    });
    await returningVisitor(context, "alice");
    const alice = await context.newPage();
    await alice.goto(`${server.url}/r/${r}`);
    await waitConnected(alice);
    network.on = false;
    await server.stop();
    const { port, persistDir } = server;
    await alice.locator("#banner").waitFor({ timeout: 15_000 });
    server = await startDevServer({ port, persistDir, vars });
    // The network stays off until after the click: were it on, the app's own next try could
    // win the race to reconnect (a restart takes seconds) and take the button away first.
    const before = tries;
    await alice.getByRole("button", { name: "Reconnect now" }).click();
    // The click tries at once, however far the backoff had grown meanwhile...
    await expect.poll(() => tries, { timeout: 2000 }).toBeGreaterThan(before);
    network.on = true;
    // ...and starts it over, so the next try (within about a second) finds the server.
    await waitConnected(alice, 5000);
    await context.close();
  });
});
