import type { Context } from "hono";
import * as v from "valibot";
import {
  DEVICE_CODE_TTL_MS,
  displayUserCode,
  newUserCode,
  POLL_INTERVAL_MS,
  parseDeviceCode,
  readUserCode,
} from "../../account/core/device-codes";
import { formatSessionToken } from "../../account/core/sessions";
import { routes } from "../app";
import { accountById, gateOf, tooManyCeremonies } from "../ceremonies";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { requireBrowser, type SessionEnv, session } from "../middleware/session";
import { relyingParty } from "../relying-party";
import { DeviceStart, DeviceToken, UserCode } from "./auth-bodies";

/**
 * `/api/device`: the terminal's sign-in (the device flow of RFC 8628). The
 * terminal starts a flow and shows its short code; a person signed in on a
 * browser approves the code at `/device`; the terminal, asking every 2 s,
 * receives a token of its own (a session of the account, revocable alone).
 */
export const deviceFlow = routes()
  .post("/start", async (c) => {
    const body = v.safeParse(DeviceStart, await c.req.json().catch(() => ({})));
    if (!body.success) return httpError(HttpError.badRequest, "send {label?}: up to 60 characters");
    const now = Date.now();
    const allowed = await c.env.AUTH_GATE.get(gateOf(c)).allow(now);
    if (!allowed.ok) return tooManyCeremonies(allowed.retryAfterMs);
    const label = body.output.label ?? "terminal";
    // A code in use by another flow is drawn again; with 2.6 * 10^10 codes, a second draw is already rare.
    for (let attempt = 0; attempt < 3; attempt++) {
      const userCode = newUserCode();
      const secret = await c.env.DEVICE_FLOW.getByName(userCode).start(label, now);
      if (secret === null) continue;
      const origin = relyingParty(c.req.url, c.env).origin;
      const shown = displayUserCode(userCode);
      return c.json({
        deviceCode: `${userCode}.${secret}`,
        userCode: shown,
        verificationUri: `${origin}/device`,
        verificationUriComplete: `${origin}/device?code=${shown}`,
        expiresIn: DEVICE_CODE_TTL_MS / 1000,
        interval: POLL_INTERVAL_MS / 1000,
      });
    }
    return httpError(HttpError.unavailable, "no device code free; try again");
  })
  .post("/token", async (c) => {
    const body = v.safeParse(DeviceToken, await c.req.json().catch(() => null));
    const code = body.success ? parseDeviceCode(body.output.deviceCode) : null;
    if (code === null) return httpError(HttpError.expiredToken, "this device code is unknown or has expired");
    const poll = await c.env.DEVICE_FLOW.getByName(code.userCode).poll(code.secret, Date.now());
    switch (poll.status) {
      case "approved":
        return c.json({ token: poll.token, name: poll.name });
      case "pending":
        return httpError(HttpError.authorizationPending, "waiting for the code to be approved in a browser");
      case "slow_down":
        return httpError(HttpError.slowDown, `ask at most every ${POLL_INTERVAL_MS / 1000} s`);
      case "denied":
        return httpError(HttpError.accessDenied, "the code was refused in the browser");
      case "expired":
        return httpError(HttpError.expiredToken, "this device code is unknown or has expired");
      default:
        return poll satisfies never;
    }
  })
  .use("/check", allowedOrigin("this page's origin may not approve devices here"), session, requireBrowser)
  .use("/approve", allowedOrigin("this page's origin may not approve devices here"), session, requireBrowser)
  .use("/deny", allowedOrigin("this page's origin may not approve devices here"), session, requireBrowser)
  /** What the approving page shows before the person decides: the terminal's label. */
  .post("/check", async (c: Context<SessionEnv>) => {
    const found = await openFlow(c);
    return found instanceof Response ? found : c.json({ label: found.label });
  })
  .post("/approve", async (c: Context<SessionEnv>) => {
    const found = await openFlow(c);
    if (found instanceof Response) return found;
    const signedIn = c.get("signedIn");
    const account = signedIn && accountById(c.env, signedIn.token.account);
    if (!signedIn || !account) return httpError(HttpError.unauthorized, "sign in first");
    const now = Date.now();
    const opened = await account.openSession("terminal", found.label, now);
    if (opened === null) return httpError(HttpError.unauthorized, "sign in first");
    const token = formatSessionToken({ account: signedIn.token.account, secret: opened.secret });
    if (!(await found.flow.approve(token, signedIn.name, now))) {
      await account.revokeToken(opened.id);
      return badCode();
    }
    return c.json({});
  })
  .post("/deny", async (c: Context<SessionEnv>) => {
    const found = await openFlow(c);
    if (found instanceof Response) return found;
    await found.flow.deny(Date.now());
    return c.json({});
  });

/**
 * The flow a signed-in person's typed code names, counting a wrong code
 * against their account: 5 wrong ones in 10 minutes, and they must wait.
 */
async function openFlow(c: Context<SessionEnv>) {
  const signedIn = c.get("signedIn");
  const account = signedIn && accountById(c.env, signedIn.token.account);
  if (!account) return httpError(HttpError.unauthorized, "sign in first");
  const now = Date.now();
  if (!(await account.mayTryDeviceCode(now))) return tooManyTries();
  const body = v.safeParse(UserCode, await c.req.json().catch(() => null));
  const userCode = body.success ? readUserCode(body.output.userCode) : null;
  const flow = userCode === null ? null : c.env.DEVICE_FLOW.getByName(userCode);
  const pending = flow === null ? null : await flow.pending(now);
  if (flow === null || pending === null) {
    return (await account.wrongDeviceCode(now)) ? badCode() : tooManyTries();
  }
  return { flow, label: pending.label };
}

function badCode(): Response {
  return httpError(HttpError.badCode, "no terminal is waiting on that code: check it, or start again in the terminal");
}

function tooManyTries(): Response {
  return httpError(HttpError.tooManyTries, "too many wrong codes; wait a few minutes and start again in the terminal");
}
