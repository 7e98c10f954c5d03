import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium (or CHROME_PATH), driven headless. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROME_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium, or set CHROME_PATH`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/** A person: their own browser profile (so their own session), on the start screen, joining `room`. */
export async function joinAs(browser: Browser, baseUrl: string, room: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${baseUrl}/`);
  await page.fill("#start-room", room);
  await page.fill("#start-name", name);
  await page.click("#start-form button[type=submit]");
  await page.waitForURL(`${baseUrl}/r/${room}`);
  await waitConnected(page);
  await page
    .locator(".line.system.event-join", { hasText: `${name} joined` })
    .last()
    .waitFor();
  return page;
}

export async function waitConnected(page: Page, timeout = 20_000): Promise<void> {
  await page.locator('#status[data-state="open"]').waitFor({ timeout });
}

export async function say(page: Page, text: string): Promise<void> {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

/** The texts of the log's message lines, in order. */
export function messageTexts(page: Page): Promise<string[]> {
  return page.locator("#lines .line.message .text").allTextContents();
}

/** Waits until a line containing `text` is in the log. */
export async function seeLine(page: Page, text: string, selector = ".line"): Promise<void> {
  await page.locator(`#lines ${selector}`, { hasText: text }).first().waitFor({ timeout: 10_000 });
}
