import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, waitConnected } from "./browser";
import { passkeyDevices } from "./passkeys";

/**
 * The account on more devices, in Chromium with a virtual authenticator per
 * browser profile: a one-time link made on a signed-in device opened on
 * another, which makes its own passkey and is the same person in rooms.
 */

const app = appUnderTest();
const { device, sync: syncPasskeys } = passkeyDevices(() => app.browser());

/** WebAuthn refuses IP addresses, so the app is opened by name. */
const base = () => app.server().url.replace("127.0.0.1", "localhost");

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/hallway-devices-${name}.png`, fullPage: true });
}

/** Joins `room` from the start screen (a signed-in browser's name is its account's). */
async function join(page: Page, room: string, name?: string): Promise<void> {
  await page.goto(`${base()}/`);
  await page.locator("#start").waitFor();
  await page.fill("#start-room", room);
  if (name !== undefined) await page.fill("#start-name", name);
  await page.click("#start-form button[type=submit]");
  await page.waitForURL(`${base()}/r/${room}`);
  await waitConnected(page);
}

/** Who the server says this browser is: the account's name, or null. */
function me(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const response = await fetch("/api/me");
    return response.ok ? ((await response.json()) as { name: string }).name : null;
  });
}

/** A fresh person with a claimed name, signed in, on the start screen. */
async function signedIn(name: string, width?: number, height?: number): Promise<Page> {
  const page = await device(width, height);
  await join(page, freshRoom("dev"), name);
  await page.getByRole("button", { name: /Claim/ }).first().click();
  await page.locator("#notice", { hasText: "is yours now" }).waitFor();
  await page.click("#back");
  await page.locator("#account-in").waitFor();
  return page;
}

const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36).slice(-6)}`;

describe("the account on another device", () => {
  it("adds a phone with a one-time link: it makes its own passkey and is the same person in rooms", async () => {
    const name = uniqueName("fay");
    const laptop = await signedIn(name);
    await laptop.getByRole("button", { name: "Add a device" }).click();
    const field = laptop.locator("#link-url");
    await field.waitFor();
    const url = await field.inputValue();
    expect(url).toMatch(new RegExp(`^${base()}/link#[\\w-]+\\.[\\w-]+$`));
    expect(await field.isEditable()).toBe(false);
    expect(await laptop.locator("#link-expiry").textContent()).toContain("Valid for 10 minutes, once");
    await laptop.getByRole("button", { name: "Copy" }).click();
    await snap(laptop, "1-link-made");
    await laptop.locator("#account").screenshot({ path: "/tmp/hallway-devices-1-link-made-account.png" });

    const phone = await device(390, 780);
    await phone.goto(url);
    await phone.locator("#link-title", { hasText: `Add this device to ${name}?` }).waitFor();
    // The code leaves the address bar as soon as it is read.
    expect(phone.url()).toBe(`${base()}/link`);
    await snap(phone, "2-link-page-phone");
    await phone.getByRole("button", { name: /passkey/ }).click();
    await phone.locator(".signed-in", { hasText: `Signed in as ${name}` }).waitFor();
    expect(phone.url()).toBe(`${base()}/`);
    expect(await me(phone)).toBe(name);
    expect(await phone.locator("#account-devices").textContent()).toContain("2 passkeys");
    await snap(phone, "3-signed-in-phone");

    // In a room the phone is the account: its name, with the mark.
    await join(phone, freshRoom("dev"));
    await phone.locator("#me-chip", { hasText: name }).locator(".verified[aria-label=verified]").waitFor();

    // The link worked once: opened again, it says so in words, with no button to press.
    const again = await device();
    await again.goto(url);
    await again.locator("#link-error", { hasText: "used already or has expired" }).waitFor();
    expect(await again.getByRole("button", { name: /passkey/ }).isVisible()).toBe(false);
    expect(await me(again)).toBeNull();
    await snap(again, "4-link-used");

    for (const page of [laptop, phone, again]) await page.context().close();
  });
});

/** Asks the server as a terminal does, from outside any browser. */
async function terminal(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base()}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("letting a terminal in", () => {
  it("approves a terminal's code at /device, after showing which terminal and what approving means", async () => {
    const name = uniqueName("gus");
    const start = await terminal("/api/device/start", { label: "work laptop" });
    expect(start.status).toBe(200);
    const { deviceCode, userCode } = start.body;
    expect(typeof userCode).toBe("string");

    // Not signed in: the page says so and offers the passkey.
    const stranger = await device();
    await stranger.goto(`${base()}/device?code=${String(userCode)}`);
    await stranger.locator("#device-anon", { hasText: "not signed in" }).waitFor();
    expect(await stranger.getByRole("button", { name: "Sign in with a passkey" }).isVisible()).toBe(true);
    await snap(stranger, "5-device-not-signed-in");

    const phone = await signedIn(name, 390, 780);
    // A wrong code is said in words, and nothing is offered to approve.
    await phone.goto(`${base()}/device`);
    await phone.fill("#device-code", "bcdf-ghjk");
    await phone.getByRole("button", { name: "Check" }).click();
    await phone.locator("#device-error", { hasText: "No terminal is waiting on that code" }).waitFor();
    expect(await phone.locator("#device-decide").isVisible()).toBe(false);

    await phone.goto(`${base()}/device?code=${String(userCode).toLowerCase()}`);
    await phone.locator("#device-label", { hasText: "work laptop" }).waitFor();
    expect(await phone.locator("#device-code").inputValue()).toBe(userCode);
    expect(await phone.locator("#device-warning").textContent()).toBe(
      `Approving lets this terminal post as ${name}. Only approve a code you started yourself.`,
    );
    await snap(phone, "6-device-check-phone");
    expect((await terminal("/api/device/token", { deviceCode })).body).toMatchObject({
      error: { code: "authorization_pending" },
    });
    await phone.getByRole("button", { name: "Approve" }).click();
    await phone.locator("#device-status", { hasText: "Done: you can go back to your terminal." }).waitFor();
    await snap(phone, "7-device-done-phone");

    // The terminal's next poll (after the 2 s interval) gets its own token for the account.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const token = await terminal("/api/device/token", { deviceCode });
    expect(token.status).toBe(200);
    expect(token.body.name).toBe(name);
    expect(token.body.token).toMatch(/^[0-9a-f]{64}\.[\w-]{43}$/);

    // The start screen lists the terminal among the account's tokens, to revoke when it is done with.
    await phone.getByRole("link", { name: "Back to the start" }).click();
    await phone.locator("#token-list li", { hasText: "work laptop" }).waitFor();
    expect(await phone.locator("#token-list li", { hasText: "work laptop" }).textContent()).toContain("terminal");
    await phone.locator("#tokens").scrollIntoViewIfNeeded();
    await snap(phone, "8-tokens-phone");

    // A browser not signed in signs in on the page (the passkey synced to it), then checks the code it came with.
    const second = await terminal("/api/device/start", { label: "server" });
    await stranger.goto(`${base()}/device?code=${String(second.body.userCode)}`);
    await syncPasskeys(phone, stranger);
    await stranger.getByRole("button", { name: "Sign in with a passkey" }).click();
    await stranger.locator("#device-label", { hasText: "server" }).waitFor();
    await stranger.getByRole("button", { name: "Deny" }).click();
    await stranger.locator("#device-status", { hasText: "Denied" }).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await terminal("/api/device/token", { deviceCode: second.body.deviceCode })).body).toMatchObject({
      error: { code: "access_denied" },
    });

    for (const page of [stranger, phone]) await page.context().close();
  });
});

describe("tokens for scripts", () => {
  it("makes a named token shown once, lists it, and revokes it", async () => {
    const name = uniqueName("hal");
    const page = await signedIn(name);
    await page.fill("#token-label", "ci-bot");
    await page.getByRole("button", { name: "Make a token" }).click();
    const secret = page.locator("#token-value");
    await page.locator("#token-made").waitFor();
    expect(await secret.inputValue()).toMatch(/^[0-9a-f]{64}\.[\w-]{43}$/);
    expect(await page.locator("#token-made").textContent()).toContain("you will not see it again");
    const line = page.locator("#token-list li", { hasText: "ci-bot" });
    await line.waitFor();
    expect(await line.textContent()).toContain("script token");
    expect(await line.textContent()).toContain("never used");
    await page.locator("#tokens").screenshot({ path: "/tmp/hallway-devices-9-tokens-desktop.png" });

    // The secret is not shown again: a reload lists the token, by name only.
    await page.reload();
    await line.waitFor();
    expect(await page.locator("#token-made").isVisible()).toBe(false);

    await page.getByRole("button", { name: "Revoke ci-bot" }).click();
    await page.locator("#token-status", { hasText: "Revoked “ci-bot”" }).waitFor();
    expect(await line.count()).toBe(0);
    await page.context().close();
  });
});
