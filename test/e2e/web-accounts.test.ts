import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, say, waitConnected } from "./browser";
import { passkeyDevices } from "./passkeys";

/**
 * Accounts in the web app, in Chromium with its virtual authenticator (the
 * DevTools protocol's WebAuthn domain): a name claimed in a room with a
 * passkey, the mark it brings, staying signed in across a reload, signing
 * out and back in with the passkey, and an impostor refused the name.
 */

const app = appUnderTest();
const { device: withPasskeys, sync: syncPasskeys } = passkeyDevices(() => app.browser());

/** WebAuthn refuses IP addresses, so the app is opened by name. */
const base = () => app.server().url.replace("127.0.0.1", "localhost");

/** A screenshot under /tmp, to look at. */
async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `/tmp/hallway-accounts-${name}.png` });
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

/** A person with passkeys on their device, in `room` as `name` and connected. */
async function inRoom(room: string, name: string, width?: number, height?: number): Promise<Page> {
  const page = await withPasskeys(width, height);
  await join(page, room, name);
  await waitConnected(page);
  return page;
}

/** Who this browser is, as the server says. */
function me(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch("/api/me")).status);
}

const ownMark = (page: Page) => page.locator("#me-chip .verified[aria-label=verified]");

/** Claims the name this page is in its room under, from the header's button. */
async function claimHere(page: Page): Promise<void> {
  const claim = page.getByRole("button", { name: /Claim/ }).first();
  await claim.click();
  await page.locator("#notice", { hasText: "is yours now" }).waitFor();
}

describe("accounts in the web app", () => {
  it("claims the name in a room with a passkey, and the room marks it from then on, to everyone", async () => {
    const room = freshRoom("acct");
    const alice = await inRoom(room, "alice");
    await say(alice, "before the claim");
    await alice.locator("#lines .line.message", { hasText: "before the claim" }).waitFor();
    const bob = await inRoom(room, "bob", 390, 780);
    expect(await me(alice)).toBe(401);

    const claim = alice.getByRole("button", { name: /Claim/ }).first();
    expect(await claim.textContent()).toBe("Claim this name");
    await snap(alice, "1-claim-button");
    await claimHere(alice);
    expect(await me(alice)).toBe(200);
    await snap(alice, "2-claim-done");
    expect(await alice.locator("#claim").isHidden()).toBe(true);

    // The room takes the new join as signed in: welcome's mark beside your name, and on what you say.
    await ownMark(alice).waitFor({ timeout: 15_000 });
    await waitConnected(alice);
    await say(alice, "now with the mark");
    const marked = alice.locator("#lines .line.message", { hasText: "now with the mark" });
    await marked.locator(".who + .verified").waitFor();
    await alice.locator("#user-list .user", { hasText: "alice" }).locator(".verified").waitFor();
    await snap(alice, "3-mark-desktop");

    // Everyone sees it, on a phone too: in the log and in the people drawer.
    await bob.locator("#lines .line.message", { hasText: "now with the mark" }).locator(".verified").waitFor();
    await bob.locator("#users-toggle").click();
    await bob.locator("#user-list .user", { hasText: "alice" }).locator(".verified").waitFor();
    await snap(bob, "4-mark-phone");
    expect(await bob.locator("#user-list .user", { hasText: "bob" }).locator(".verified").count()).toBe(0);

    // A reload: still signed in, still marked.
    await alice.reload();
    await waitConnected(alice);
    await ownMark(alice).waitFor();

    // An impostor in a fresh browser, joining with the claimed name: refused, and told how the owner gets in.
    const impostor = await withPasskeys();
    await join(impostor, room, "alice");
    await impostor.locator("#start-error", { hasText: "belongs to an account" }).waitFor({ timeout: 15_000 });
    expect(await impostor.locator("#start-error").textContent()).toContain("sign in with a passkey");
    // The focus moves once the start screen has heard this browser is anonymous: it may follow the message.
    await expect.poll(() => impostor.evaluate(() => document.activeElement?.id)).toBe("signin");
    await snap(impostor, "5-impostor-refused");

    for (const page of [alice, bob, impostor]) await page.context().close();
  });

  it("never gives a newcomer the messages of someone who used the same name before, anonymously", async () => {
    const room = freshRoom("acct");
    const first = await inRoom(room, "erin");
    await say(first, "the first erin wrote this");
    await first.locator("#lines .line.message.own", { hasText: "the first erin wrote this" }).waitFor();
    await first.getByRole("button", { name: "Leave room" }).click();
    await first.locator("#start").waitFor();

    const second = await inRoom(room, "erin");
    const old = second.locator("#lines .line.message", { hasText: "the first erin wrote this" });
    await old.waitFor();
    expect(await old.getAttribute("class")).not.toContain("own");
    await old.hover();
    expect(await old.getByRole("button", { name: "Edit", exact: true }).count()).toBe(0);
    await say(second, "the second erin");
    await second.locator("#lines .line.message.own", { hasText: "the second erin" }).waitFor();

    await first.context().close();
    await second.context().close();
  });

  it("stays signed in across a reload, signs out, signs back in with the passkey, and deletes the account", async () => {
    const carol = await inRoom(freshRoom("acct"), "carol");
    await claimHere(carol);

    // The start screen says who this is, with the account's name in the (read-only) name field.
    await carol.click("#back");
    await carol.reload();
    await carol.locator("#account-in").waitFor();
    expect(await carol.locator(".signed-in").textContent()).toContain("Signed in as carol");
    expect(await carol.locator(".signed-in .verified").getAttribute("aria-label")).toBe("verified");
    expect(await carol.locator("#start-name").inputValue()).toBe("carol");
    expect(await carol.locator("#start-name").isEditable()).toBe(false);
    await snap(carol, "6-start-signed-in");

    await carol.getByRole("button", { name: "Sign out", exact: true }).click();
    await carol.locator("#account-anon").waitFor();
    expect(await me(carol)).toBe(401);
    expect(await carol.locator("#start-name").isEditable()).toBe(true);

    await carol.getByRole("button", { name: /passkey/ }).click();
    await carol.locator("#account-in").waitFor();
    expect(await carol.locator(".signed-in").textContent()).toContain("Signed in as carol");
    expect(await me(carol)).toBe(200);

    // Another tab, in a room, signed in: signing out everywhere ends it at once, saying why.
    const tab = await carol.context().newPage();
    await tab.goto(`${base()}/r/${freshRoom("acct")}`);
    await waitConnected(tab);
    await ownMark(tab).waitFor();
    await carol.getByRole("button", { name: "Sign out everywhere" }).click();
    await carol.locator("#account-status", { hasText: "Signed out on every device" }).waitFor();
    expect(await me(carol)).toBe(401);
    await tab.locator("#start-error", { hasText: "signed out everywhere" }).waitFor({ timeout: 15_000 });
    await tab.waitForFunction(() => document.activeElement?.id === "signin", undefined, { timeout: 5000 });
    await tab.close();
    await carol.getByRole("button", { name: /passkey/ }).click();
    await carol.locator("#account-in").waitFor();

    // Deleting asks first; "Keep it" keeps it.
    await carol.getByRole("button", { name: "Delete account" }).click();
    await carol.locator("#delete-confirm").waitFor();
    await snap(carol, "7-delete-confirm");
    await carol.getByRole("button", { name: "Keep it" }).click();
    expect(await me(carol)).toBe(200);
    await carol.getByRole("button", { name: "Delete account" }).click();
    await carol.getByRole("button", { name: "Delete for good" }).click();
    await carol.locator("#account-anon").waitFor();
    expect(await carol.locator("#account-status").textContent()).toContain("free for anyone");
    expect(await me(carol)).toBe(401);

    // With no account left, signing in says so in words.
    await carol.getByRole("button", { name: /passkey/ }).click();
    await carol.locator("#account-error").filter({ hasText: /\w/ }).waitFor();
    expect(await me(carol)).toBe(401);
    await carol.context().close();
  });

  it("says why a claim is refused, next to the way to sign in instead", async () => {
    const room = freshRoom("acct");
    const owner = await inRoom(room, "dave");
    await claimHere(owner);

    // Someone else, as mallory on a phone, tries to claim dave's name from the dialog.
    const other = await inRoom(room, "mallory", 390, 780);
    await other.locator("#users-toggle").click();
    await other.getByRole("button", { name: "Claim another name…" }).click();
    await other.fill("#claim-name", "dave");
    await other.getByRole("button", { name: "Claim with a passkey" }).click();
    await other.locator("#claim-error", { hasText: "If it is yours, sign in with a passkey" }).waitFor();
    expect(await other.getByRole("button", { name: "Sign in with a passkey" }).isVisible()).toBe(true);
    await snap(other, "8-claim-refused-phone");
    await other.getByRole("button", { name: "Cancel" }).click();
    expect(await other.locator("#claim-dialog").isVisible()).toBe(false);
    expect(await me(other)).toBe(401);

    // With dave's passkey synced to this phone, "Sign in with a passkey" in the dialog makes it dave, signed in, here.
    await syncPasskeys(owner, other);
    await other.locator("#users-toggle").click();
    await other.getByRole("button", { name: "Claim another name…" }).click();
    await other.locator("#claim-dialog").getByRole("button", { name: "Sign in with a passkey" }).click();
    await other.locator("#me-chip", { hasText: "dave" }).locator(".verified").waitFor({ timeout: 15_000 });
    expect(await me(other)).toBe(200);
    await snap(other, "9-signed-in-from-room-phone");
    // Two devices, one person: the room counts dave once.
    await say(other, "from my phone");
    await owner.locator("#lines .line.message.own", { hasText: "from my phone" }).waitFor();

    await owner.context().close();
    await other.context().close();
  });

  it("holds a ban of an account on another device: a new browser signed in to it is refused", async () => {
    const room = freshRoom("acct");
    const oscar = await inRoom(room, "oscar");
    await claimHere(oscar);
    const eve = await inRoom(room, "eve");
    await claimHere(eve);
    await say(oscar, "/ban eve 30");
    await eve.locator("#start-error", { hasText: "banned" }).waitFor({ timeout: 15_000 });

    // Eve's passkey on another device (synced, as a passkey provider does), in a browser profile never banned.
    const phone = await withPasskeys(390, 800);
    await syncPasskeys(eve, phone);
    await phone.goto(`${base()}/`);
    await phone.getByRole("button", { name: /passkey/ }).click();
    await phone.locator("#account-in").waitFor();
    expect(await phone.locator(".signed-in").textContent()).toContain("Signed in as eve");
    await join(phone, room, "eve");
    await phone.locator("#start-error", { hasText: "banned" }).waitFor({ timeout: 15_000 });
    expect(await phone.locator("#start-error").textContent()).toMatch(/30 minutes|another/);
    await snap(phone, "10-banned-account-phone");
    for (const page of [oscar, eve, phone]) await page.context().close();
  });
});
