import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseDeviceCode, readUserCode } from "../../src/account/core/device-codes";
import { parseSessionToken } from "../../src/account/core/sessions";
import { Browser, freshName } from "./accounts";

/**
 * Expiries, read by asking each object as if it were later: every object
 * here takes the time from the worker, so a test can ask about 10 minutes
 * from now without waiting for them.
 */
const MINUTE = 60_000;

describe("what expires", () => {
  it("a challenge: unanswerable after 5 minutes", async () => {
    const browser = new Browser();
    const { ceremony, options } = await browser.signInOptions();
    const gate = env.AUTH_GATE.get(env.AUTH_GATE.idFromString(ceremony));
    expect(await gate.take(options.challenge, Date.now() + 5 * MINUTE + 1000)).toBeNull();
  });

  it("a challenge: answerable within 5 minutes, and only once", async () => {
    const browser = new Browser();
    const { ceremony, options } = await browser.signInOptions();
    const gate = env.AUTH_GATE.get(env.AUTH_GATE.idFromString(ceremony));
    expect(await gate.take(options.challenge, Date.now() + 4 * MINUTE)).toMatchObject({ kind: "signin" });
    expect(await gate.take(options.challenge, Date.now())).toBeNull();
  });

  it("a device code: expired for the terminal and for the approving page after 10 minutes", async () => {
    const started = await (await new Browser().fetch("/api/device/start", { body: {} })).json<{
      deviceCode: string;
      userCode: string;
    }>();
    const code = parseDeviceCode(started.deviceCode);
    const userCode = readUserCode(started.userCode);
    if (code === null || userCode === null) throw new Error("malformed codes");
    const flow = env.DEVICE_FLOW.getByName(userCode);
    expect(await flow.pending(Date.now() + 9 * MINUTE)).toEqual({ label: "terminal" });
    expect(await flow.pending(Date.now() + 10 * MINUTE + 1000)).toBeNull();
    expect(await flow.poll(code.secret, Date.now() + 10 * MINUTE + 1000)).toEqual({ status: "expired" });
  });

  it("a link for another device: closed after 10 minutes", async () => {
    const browser = new Browser();
    await browser.claim(freshName("linkexpiry"));
    const { url } = await (await browser.fetch("/api/auth/link", { body: {} })).json<{ url: string }>();
    const link = parseSessionToken(new URL(url).hash.slice(1));
    if (link === null) throw new Error("malformed link");
    const account = env.ACCOUNT.get(env.ACCOUNT.idFromString(link.account));
    expect(await account.linkName(link.secret, Date.now() + 9 * MINUTE)).not.toBeNull();
    expect(await account.linkName(link.secret, Date.now() + 10 * MINUTE + 1000)).toBeNull();
  });

  it("a session: slides forward on use, and opens nothing 30 days after its last use", async () => {
    const browser = new Browser();
    await browser.claim(freshName("sliding"));
    const token = parseSessionToken((browser.cookie ?? "").replace(/^__Host-hallway_session=/, ""));
    if (token === null) throw new Error("no session cookie");
    const account = env.ACCOUNT.get(env.ACCOUNT.idFromString(token.account));
    const day = 24 * 60 * MINUTE;
    // Used on day 20: it slides to day 50, so day 45 still opens it.
    const used = await account.resolve(token.secret, Date.now() + 20 * day);
    expect(used?.renewedUntil).toBeGreaterThan(Date.now() + 49 * day);
    expect(await account.resolve(token.secret, Date.now() + 45 * day)).not.toBeNull();
    // Then untouched for 30 days more: gone.
    expect(await account.resolve(token.secret, Date.now() + 76 * day)).toBeNull();
  });
});
