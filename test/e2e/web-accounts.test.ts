import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, say, waitConnected } from "./browser";

/**
 * Accounts in the web app, in Chromium with its virtual authenticator (the
 * DevTools protocol's WebAuthn domain): a name claimed in a room with a
 * passkey, the mark it brings, staying signed in across a reload, signing
 * out and back in with the passkey, and an impostor refused the name.
 */

const app = appUnderTest();

/** WebAuthn refuses IP addresses, so the app is opened by name. */
const base = () => app.server().url.replace("127.0.0.1", "localhost");

/** A screenshot under /tmp, to look at. */
async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/hallway-accounts-${name}.png` });
}

/** A person in a browser profile of their own, whose device holds passkeys (a platform authenticator). */
async function withPasskeys(width = 1100, height = 720): Promise<Page> {
  const context = await app.browser().newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return page;
}

/** Joins `room` from the start screen under `name`. */
async function join(page: Page, room: string, name: string): Promise<void> {
  await page.goto(`${base()}/`);
  await page.locator("#start").waitFor();
  await page.fill("#start-room", room);
  if (await page.locator("#start-name").isEditable()) await page.fill("#start-name", name);
  await page.click("#start-form button[type=submit]");
  await page.waitForURL(`${base()}/r/${room}`);
}

/** Who this browser is, as the server says. */
function me(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch("/api/me")).status);
}

const ownMark = (page: Page) => page.locator("#me-chip .verified[aria-label=verified]");

describe("accounts in the web app", () => {
  it("claims a name in a room, shows the mark, stays signed in, signs out and back in, and keeps the name from an impostor", async () => {
    const room = freshRoom("acct");
    const alice = await withPasskeys();
    await join(alice, room, "alice");
    await waitConnected(alice);
    await say(alice, "before the claim");
    await alice.locator("#lines .line.message", { hasText: "before the claim" }).waitFor();
    expect(await me(alice)).toBe(401);

    const claim = alice.getByRole("button", { name: /Claim/ }).first();
    await claim.waitFor();
    expect(await claim.textContent()).toContain("Claim");
    await snap(alice, "1-claim-button");

    await claim.click();
    // The room takes the new join as signed in: welcome's mark, no Claim button any more.
    await ownMark(alice).waitFor({ timeout: 15_000 });
    await waitConnected(alice);
    expect(await alice.locator("#claim").isHidden()).toBe(true);
    expect(await me(alice)).toBe(200);
    await say(alice, "now with the mark");
    const marked = alice.locator("#lines .line.message", { hasText: "now with the mark" });
    await marked.locator(".who + .verified").waitFor();
    await alice.locator("#user-list .user", { hasText: "alice" }).locator(".verified").waitFor();
    await snap(alice, "2-claimed-mark");

    // A reload: still signed in, the mark still there, and the earlier messages still answerable.
    await alice.reload();
    await waitConnected(alice);
    await ownMark(alice).waitFor();
    await alice.locator("#lines .line.message", { hasText: "now with the mark" }).locator(".verified").waitFor();

    // The start screen says who this is, with the account's name in the (read-only) name field.
    await alice.click("#back");
    await alice.locator("#account-in").waitFor();
    expect(await alice.locator(".signed-in").textContent()).toContain("Signed in as alice");
    expect(await alice.locator("#start-name").inputValue()).toBe("alice");
    expect(await alice.locator("#start-name").isEditable()).toBe(false);
    await snap(alice, "3-start-signed-in");

    await alice.getByRole("button", { name: "Sign out", exact: true }).click();
    await alice.locator("#account-anon").waitFor();
    expect(await me(alice)).toBe(401);

    await alice.getByRole("button", { name: /passkey/ }).click();
    await alice.locator("#account-in").waitFor();
    expect(await alice.locator(".signed-in").textContent()).toContain("Signed in as alice");
    expect(await me(alice)).toBe(200);

    // An impostor in a fresh browser, joining with the claimed name: refused, and told how the owner gets in.
    const impostor = await withPasskeys();
    await join(impostor, room, "alice");
    await impostor.locator("#start-error", { hasText: "belongs to an account" }).waitFor({ timeout: 15_000 });
    expect(await impostor.locator("#start-error").textContent()).toContain("sign in with a passkey");
    await snap(impostor, "4-impostor-refused");
    expect(await alice.locator("#start").isVisible()).toBe(true);

    await alice.context().close();
    await impostor.context().close();
  });

  it("says why a claim is refused, next to the way to sign in instead", async () => {
    const room = freshRoom("acct");
    const owner = await withPasskeys();
    await join(owner, room, "bob");
    await waitConnected(owner);
    await owner.getByRole("button", { name: /Claim/ }).first().click();
    await ownMark(owner).waitFor({ timeout: 15_000 });

    // Someone else, as mallory, tries to claim bob's name from the dialog.
    const other = await withPasskeys(390, 780);
    await join(other, room, "mallory");
    await waitConnected(other);
    await other.locator("#users-toggle").click();
    await other.getByRole("button", { name: "Claim another name…" }).click();
    await other.fill("#claim-name", "bob");
    await other.getByRole("button", { name: "Claim with a passkey" }).click();
    await other.locator("#claim-error", { hasText: "If it is yours, sign in with a passkey" }).waitFor();
    expect(await other.getByRole("button", { name: "Sign in with a passkey" }).isVisible()).toBe(true);
    await snap(other, "5-claim-refused-phone");
    await other.getByRole("button", { name: "Cancel" }).click();
    expect(await other.locator("#claim-dialog").isVisible()).toBe(false);

    // The owner's mark, on a phone width, in the log and the people drawer.
    await say(owner, "the owner speaks");
    await other.locator("#lines .line.message", { hasText: "the owner speaks" }).locator(".verified").waitFor();
    await other.locator("#users-toggle").click();
    await other.locator("#user-list .user", { hasText: "bob" }).locator(".verified").waitFor();
    await snap(other, "6-mark-phone");

    // Deleting the account asks first, then frees the name.
    await owner.click("#back");
    await owner.locator("#account-in").waitFor();
    await owner.getByRole("button", { name: "Delete account" }).click();
    await owner.locator("#delete-confirm").waitFor();
    await snap(owner, "7-delete-confirm");
    await owner.getByRole("button", { name: "Delete for good" }).click();
    await owner.locator("#account-anon").waitFor();
    expect(await owner.locator("#account-status").textContent()).toContain("free for anyone");
    expect(await me(owner)).toBe(401);

    await owner.context().close();
    await other.context().close();
  });
});
