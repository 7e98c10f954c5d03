import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { type Browser, chromium, type Page } from "playwright-core";

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
