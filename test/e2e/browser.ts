import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser the tests drive: `CHROME_PATH` when set; Debian's Chromium when it is
 * installed; otherwise the Chromium shipped in the `@sparticuz/chromium` dev dependency,
 * so a fresh `npm ci` is enough. `HALLWAY_IGNORE_SYSTEM_CHROMIUM=1` skips the second
 * step, to try the shipped browser on a machine that has Debian's.
 */
export async function chromiumPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const chosen = env.CHROME_PATH;
  if (chosen) {
    if (!isExecutable(chosen)) throw new Error(`CHROME_PATH is ${chosen}, which is not an executable file`);
    return chosen;
  }
  if (env.HALLWAY_IGNORE_SYSTEM_CHROMIUM !== "1" && isExecutable(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  return shippedChromium();
}

/**
 * Unpacks the npm-shipped Chromium (once per version) and returns its path. The package
 * unpacks into the temp folder and trusts any file already there, so a run stopped halfway
 * would leave a broken browser for every later one. It therefore unpacks, in a child
 * process, into a folder of its own, which is then renamed into place in one step: the
 * versioned folder either holds a whole browser or does not exist.
 */
async function shippedChromium(): Promise<string> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `no Chromium found: the npm-shipped one runs on Linux x64 only; set CHROME_PATH to a Chromium or Chrome binary`,
    );
  }
  const entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  const { version } = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
    version: string;
  };
  const home = join(tmpdir(), `hallway-chromium-${version}`);
  const binary = join(home, "chromium");
  if (existsSync(binary)) return binary;

  const staging = mkdtempSync(`${home}-unpacking-`);
  try {
    const script = `const { default: c } = await import(${JSON.stringify(pathToFileURL(entry).href)});
process.stdout.write(await c.executablePath());`;
    // The package unpacks into os.tmpdir(), which follows TMPDIR.
    const env = { ...process.env, TMPDIR: staging, TMP: staging, TEMP: staging };
    await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env, timeout: 180_000 });
    try {
      renameSync(staging, home);
    } catch (error) {
      // Another run got there first; its browser is as good as this one.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** Chromium, driven headless (see chromiumPath for which one). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(),
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

/**
 * Makes every page of `context` a returning visitor called `name`: the name is
 * saved as the start screen saves it, so a room's link joins at once instead of
 * asking a first-time visitor for a name.
 */
export async function returningVisitor(context: BrowserContext, name: string): Promise<void> {
  await context.addInitScript((saved) => {
    if (localStorage.getItem("hallway:name") === null) localStorage.setItem("hallway:name", saved);
  }, name);
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

/** Saves a screenshot in test-results/, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: `test-results/${name}` });
}

/**
 * Makes the page believe its tab is hidden (or shown again), as switching
 * tabs does: headless Chromium keeps every page visible, so the test sets
 * what `document.hidden` says and sends the event a real switch would.
 */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (value ? "hidden" : "visible"),
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** The message line whose text contains `text`. */
export function message(page: Page, text: string) {
  return page.locator("#lines .line.message", { has: page.locator(".text", { hasText: text }) });
}

/** Opens a message's actions (as hovering does) and clicks one of them. */
export async function act(page: Page, text: string, action: "Reply" | "React" | "Edit" | "Delete"): Promise<void> {
  const line = message(page, text).last();
  await line.hover();
  await line.getByRole("button", { name: action, exact: true }).click();
}

/** Opens the private conversation with `name` from the sidebar's list of conversations. */
export async function openConversation(page: Page, name: string): Promise<void> {
  await page.locator("#convo-list button", { hasText: name }).click();
  await page.locator("#room-title", { hasText: name }).waitFor();
}

/** Limits lifted so tests can seed and send quickly, and a short grace so a closed tab is seen leaving soon. */
export const FAST_VARS = {
  RATE_LIMIT_BURST: "1000",
  RATE_LIMIT_PER_SECOND: "1000",
  RECONNECT_GRACE_SECONDS: "2",
  // Every browser of a run comes from one address, and each claims or signs in.
  SIGNINS_PER_MINUTE: "1000",
};

/**
 * A `wrangler dev` server and a browser for one test file, started before its
 * tests and stopped after them.
 */
export function appUnderTest(vars: Record<string, string> = FAST_VARS): { server(): DevServer; browser(): Browser } {
  let server: DevServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startDevServer({ vars }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the app is not started yet");
    return value;
  };
  return { server: () => started(server), browser: () => started(browser) };
}

/** Sends `count` messages ("old 1", "old 2"...) from a plain WebSocket, as a terminal client would. */
export async function seed(baseUrl: string, room: string, count: number): Promise<void> {
  const ws = new WebSocket(`${baseUrl.replace("http", "ws")}/chat/${room}?username=seeder`);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("error", () => reject(new Error("seed socket failed")));
    ws.addEventListener("open", () => {
      for (let i = 1; i <= count; i++) ws.send(`old ${i}`);
    });
    ws.addEventListener("message", (event) => {
      if (String(event.data).includes(`"old ${count}"`)) resolve();
    });
  });
  // Quitting rather than dropping makes the seeder's leave happen now, not when
  // the reconnect grace ends in the middle of whatever the test does next.
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  ws.send("/quit");
  await closed;
}

/** A room name of its own for each test. */
export const freshRoom = (name: string) => `${name}-${Date.now().toString(36)}`;
