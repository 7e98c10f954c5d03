import type { Browser, CDPSession, Page } from "playwright-core";

/**
 * Gives a page a platform authenticator that holds passkeys and unlocks them
 * at once (Chromium's virtual authenticator, through the DevTools protocol):
 * a device whose owner passes the fingerprint or PIN check every time.
 */
export async function addPasskeyDevice(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Copies every passkey one authenticator holds onto another: the same passkey, synced to another device. */
export async function copyPasskeys(
  from: { cdp: CDPSession; authenticatorId: string },
  to: { cdp: CDPSession; authenticatorId: string },
): Promise<void> {
  const { credentials } = await from.cdp.send("WebAuthn.getCredentials", { authenticatorId: from.authenticatorId });
  for (const credential of credentials) {
    await to.cdp.send("WebAuthn.addCredential", { authenticatorId: to.authenticatorId, credential });
  }
}

/**
 * Devices for one browser: each a profile of its own whose authenticator
 * holds passkeys, and a way to sync one device's passkeys onto another.
 */
export function passkeyDevices(browser: () => Browser) {
  const authenticators = new Map<Page, { cdp: CDPSession; authenticatorId: string }>();
  return {
    async device(width = 1100, height = 720): Promise<Page> {
      const context = await browser().newContext({ viewport: { width, height } });
      const page = await context.newPage();
      page.on("pageerror", (error) => {
        throw error;
      });
      authenticators.set(page, await addPasskeyDevice(page));
      return page;
    },
    async sync(from: Page, to: Page): Promise<void> {
      const source = authenticators.get(from);
      const target = authenticators.get(to);
      if (!source || !target) throw new Error("both pages need an authenticator");
      await copyPasskeys(source, target);
    },
  };
}
