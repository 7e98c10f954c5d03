import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, joinAs, screenshot, seeLine, waitConnected } from "./browser";

/** v1.10: files in the web app: pasted, dropped or attached; uploaded with progress; shown in the log. */

/** Pastes a PNG of `width` × `height` drawn in the page into the message box, as a screenshot paste does. */
async function pasteImage(page: Page, name: string, width: number, height: number): Promise<void> {
  await page.evaluate(
    async ({ name, width, height }) => {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("no 2d context");
      const fill = ctx.createLinearGradient(0, 0, width, height);
      fill.addColorStop(0, "#3358d4");
      fill.addColorStop(1, "#f0a020");
      ctx.fillStyle = fill;
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = "#fff";
      ctx.font = `${Math.round(height / 6)}px sans-serif`;
      ctx.fillText("Hallway", width / 10, height / 2);
      const blob = await canvas.convertToBlob({ type: "image/png" });
      const data = new DataTransfer();
      data.items.add(new File([blob], name, { type: "image/png" }));
      const input = document.getElementById("input");
      input?.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    { name, width, height },
  );
}

/** Drops a file of these bytes on the room, as dragging one from the desktop does. */
async function dropFile(page: Page, name: string, type: string, bytes: number[]): Promise<void> {
  await page.evaluate(
    ({ name, type, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      const log = document.getElementById("log");
      for (const kind of ["dragenter", "dragover", "drop"]) {
        log?.dispatchEvent(new DragEvent(kind, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    { name, type, bytes },
  );
}

const PDF = [...Buffer.from(`%PDF-1.4\n% Hallway notes\n${"0123456789abcdef\n".repeat(200)}%%EOF\n`)];

describe("files in the web app", () => {
  const app = appUnderTest();

  it("shows a pasted image to the others inline within 2 s, at its thumbnail's size, and full size on click", async () => {
    const r = freshRoom("paste");
    const alice = await joinAs(app.browser(), app.server().url, r, "alice");
    const bob = await joinAs(app.browser(), app.server().url, r, "bob");
    const started = Date.now();
    await pasteImage(alice, "screenshot.png", 1200, 800);
    // Send at once: it waits for the image, even while its thumbnail is still being drawn.
    await alice.press("#input", "Enter");
    const shot = bob.locator("#lines .line.message .shot img");
    await shot.waitFor({ timeout: 2_000 });
    // Its place is kept before it loads: the size is on the element, not learnt from the bytes.
    expect(await shot.getAttribute("width")).toBe("480");
    expect(await shot.getAttribute("height")).toBe("320");
    await expect
      .poll(() => shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 2_000 })
      .toBe(480);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await alice.locator("#uploads .upload").count()).toBe(0);
    expect(await alice.inputValue("#input")).toBe("");
    await screenshot(bob, "web-files-image.png");

    // Full size in a dialog; Esc closes it and the focus goes back to the image.
    await bob.getByRole("button", { name: "Open image screenshot.png" }).click();
    const full = bob.locator("#lightbox img");
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1200);
    expect(await bob.locator("#lightbox").evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
    await screenshot(bob, "web-files-lightbox.png");
    await bob.keyboard.press("Escape");
    await expect.poll(() => bob.locator("#lightbox").evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
    expect(await bob.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(
      "Open image screenshot.png",
    );
    // And the close button closes it too.
    await bob.getByRole("button", { name: "Open image screenshot.png" }).click();
    await bob.getByRole("button", { name: "Close", exact: true }).click();
    await expect.poll(() => bob.locator("#lightbox").evaluate((d: HTMLDialogElement) => d.open)).toBe(false);

    // On a phone the image fits the column, its proportions kept.
    await bob.setViewportSize({ width: 390, height: 844 });
    const box = await shot.boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    expect(Math.abs((box?.width ?? 0) / (box?.height ?? 1) - 1.5)).toBeLessThan(0.02);
    await screenshot(bob, "web-files-image-phone.png");
    await bob.getByRole("button", { name: "Open image screenshot.png" }).click();
    await screenshot(bob, "web-files-lightbox-phone.png");
    await bob.keyboard.press("Escape");
  });

  it("shows a dropped PDF and an attached SVG as cards with name and size that download the same bytes", async () => {
    const r = freshRoom("drop");
    const alice = await joinAs(app.browser(), app.server().url, r, "alice");
    const bob = await joinAs(app.browser(), app.server().url, r, "bob");
    await dropFile(alice, "notes.pdf", "application/pdf", PDF);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    const [chooser] = await Promise.all([
      alice.waitForEvent("filechooser"),
      alice.getByRole("button", { name: "Attach", exact: true }).click(),
    ]);
    await chooser.setFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from(svg) });
    await alice.locator("#uploads .upload", { hasText: "logo.svg" }).waitFor();
    // One picked by mistake is cancelled, and goes nowhere.
    await dropFile(alice, "wrong.pdf", "application/pdf", PDF);
    await alice.getByRole("button", { name: "Cancel wrong.pdf" }).click();
    await alice.locator("#uploads .upload", { hasText: "wrong.pdf" }).waitFor({ state: "detached" });
    expect(await alice.locator("#uploads .up-name").allTextContents()).toEqual(["notes.pdf", "logo.svg"]);
    await alice.fill("#input", "the notes and the logo");
    await alice.press("#input", "Enter");
    await seeLine(bob, "the notes and the logo");

    const card = bob.locator("#lines .file-card", { hasText: "notes.pdf" });
    await card.waitFor();
    expect(await card.locator(".file-size").textContent()).toBe("3.4 KB");
    expect(await card.getAttribute("download")).toBe("notes.pdf");
    // The SVG is a download too, never drawn.
    await bob.locator("#lines .file-card", { hasText: "logo.svg" }).waitFor();
    expect(await bob.locator("#lines .shot").count()).toBe(0);
    expect(await bob.locator("#lines .file-card").count()).toBe(2);
    await screenshot(bob, "web-files-card.png");

    const href = await card.getAttribute("href");
    const fetched = await bob.evaluate(async (url) => {
      const response = await fetch(url);
      return {
        disposition: response.headers.get("Content-Disposition"),
        bytes: [...new Uint8Array(await response.arrayBuffer())],
      };
    }, href ?? "");
    expect(fetched.disposition).toMatch(/^attachment;/);
    expect(fetched.bytes).toEqual(PDF);

    await bob.setViewportSize({ width: 390, height: 844 });
    await bob.emulateMedia({ colorScheme: "dark" });
    await screenshot(bob, "web-files-card-phone-dark.png");
  });

  it("shows an image between strangers at the room's signed address, which loads", async () => {
    const topic = `files${Date.now().toString(36)}`;
    const meet = async (name: string) => {
      const page = await (await app.browser().newContext({ viewport: { width: 1100, height: 720 } })).newPage();
      await page.goto(`${app.server().url}/`);
      await page.fill("#start-name", name);
      await page.fill("#start-tags", topic);
      await page.fill("#start-wants", topic);
      await page.click("#start-stranger");
      return page;
    };
    const ann = await meet("ann");
    await ann.locator("#waiting-status", { hasText: "number 1 of 1" }).waitFor();
    const ben = await meet("ben");
    await ben.locator("#room-title", { hasText: "Talking with ann" }).waitFor();
    await waitConnected(ann);
    await waitConnected(ben);
    await pasteImage(ann, "holiday.png", 800, 600);
    await ann.locator("#uploads .upload", { hasText: "holiday.png" }).waitFor();
    await ann.fill("#input", "look");
    await ann.press("#input", "Enter");
    const shot = ben.locator("#lines .line.message .shot img");
    await shot.waitFor();
    expect(await shot.getAttribute("src")).toMatch(/^\/files\/pv-[^/]+\/[0-9a-f]{32}\?expires=\d+&sig=[0-9a-f]{64}$/);
    await expect.poll(() => shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
  });

  it("says why the room refused a file too large, before any of its bytes were sent", async () => {
    const alice = await joinAs(app.browser(), app.server().url, freshRoom("large"), "alice");
    let puts = 0;
    alice.on("request", (request) => {
      if (request.method() === "PUT") puts++;
    });
    await alice.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(10 * 1024 * 1024 + 1)], "huge.bin"));
      document
        .getElementById("log")
        ?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const upload = alice.locator("#uploads .upload", { hasText: "huge.bin" });
    await upload.locator(".up-state", { hasText: "Not uploaded: too large: a file here is at most 10 MB" }).waitFor();
    await upload.getByRole("button", { name: "Retry" }).waitFor();
    expect(puts).toBe(0);
  });

  it("keeps an upload that failed with its reason and Retry, and sends the message once the retry went through", async () => {
    const r = freshRoom("retry");
    const alice = await joinAs(app.browser(), app.server().url, r, "alice");
    const bob = await joinAs(app.browser(), app.server().url, r, "bob");
    // The upload's connection fails, as it would with the server gone.
    await alice.route("**/files/**", (route) =>
      route.request().method() === "PUT" ? route.abort("connectionfailed") : route.continue(),
    );
    await dropFile(alice, "report.pdf", "application/pdf", PDF);
    const upload = alice.locator("#uploads .upload", { hasText: "report.pdf" });
    await upload.locator(".up-state", { hasText: "Not uploaded: the connection failed while sending" }).waitFor();
    await alice.fill("#input", "the report");
    await alice.press("#input", "Enter");
    await alice.locator("#notice", { hasText: "Not sent: a file did not upload" }).waitFor();
    expect(await alice.inputValue("#input")).toBe("the report");
    await screenshot(alice, "web-files-failed.png");

    // Back: the retry's bytes are held a moment, and Send waits for them.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await alice.unroute("**/files/**");
    await alice.route("**/files/**", async (route) => {
      await held;
      await route.continue();
    });
    await upload.getByRole("button", { name: "Retry" }).click();
    await alice.press("#input", "Enter");
    await alice.locator("#notice", { hasText: "Sending once the files are uploaded" }).waitFor();
    await screenshot(alice, "web-files-uploading.png");
    expect(await alice.inputValue("#input")).toBe("the report");
    release();
    await seeLine(bob, "the report");
    await bob.locator("#lines .file-card", { hasText: "report.pdf" }).waitFor();
    expect(await alice.inputValue("#input")).toBe("");
    expect(await alice.locator("#uploads .upload").count()).toBe(0);
  });

  it("says so when a file still uploading is left behind by switching to another joined room", async () => {
    const first = freshRoom("left-a");
    const second = freshRoom("left-b");
    const alice = await joinAs(app.browser(), app.server().url, first, "alice");
    await alice.click("#back");
    await alice.fill("#start-room", second);
    await alice.click("#start-form button[type=submit]");
    await alice.waitForURL(`**/r/${second}`);
    await waitConnected(alice);
    // The bytes never get through: the file is still uploading when alice goes.
    await alice.route("**/files/**", () => {});
    await dropFile(alice, "draft.pdf", "application/pdf", PDF);
    await alice.locator("#uploads .upload", { hasText: "draft.pdf" }).waitFor();
    await alice.locator(`#joined-list a[data-room="${first}"]`).click();
    await alice.waitForURL(`**/r/${first}`);
    await alice.locator("#notice", { hasText: `1 file picked in #${second} was not sent.` }).waitFor();
  });
});
