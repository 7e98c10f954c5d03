import { generateAuthenticationOptions, verifyAuthenticationResponse } from "@simplewebauthn/server";
import type { Context } from "hono";
import * as v from "valibot";
import { claimantOf, indexClaim } from "../../account/claim-lookup";
import { type ClaimKeys, claimKeys, lookupKeys } from "../../account/core/claims";
import { SESSION_TTL_MS } from "../../account/core/sessions";
import type { Env } from "../../env";
import { checkUsername } from "../../protocol";
import { routes } from "../app";
import {
  bytesOf,
  challengeExpired,
  gateOf,
  newPasskeyOptions,
  takeCeremony,
  tooManyCeremonies,
  verificationFailed,
  verifyNewPasskey,
} from "../ceremonies";
import { HttpError, httpError } from "../errors";
import { allowedOrigin } from "../middleware/origin";
import { clearSessionCookie, requireBrowser, type SessionEnv, session, setSessionCookie } from "../middleware/session";
import { relyingParty } from "../relying-party";
import { ClaimFinish, ClaimStart, fromBase64url, SignInFinish } from "./auth-bodies";

/**
 * `/api/auth`: claiming a name with a passkey, signing in with one, and
 * signing out. A ceremony starts at a gate (one per client address: it hands
 * out the challenge and counts the attempts) and ends at the account's own
 * object. Every route here changes state, so a browser page from another
 * origin is refused.
 */
export const auth = routes()
  .use("*", allowedOrigin("this page's origin may not sign in here"))
  .post("/claim/options", async (c) => {
    const body = v.safeParse(ClaimStart, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "send {name}");
    const check = checkUsername(body.output.name.trim());
    if (!check.ok) return httpError(HttpError.badUsername, check.reason);
    const name = check.username;
    if ((await claimantOf(c.env, lookupKeys(name))) !== null) return nameClaimed(name);
    const gate = gateOf(c);
    const opened = await c.env.AUTH_GATE.get(gate).open("claim", name, Date.now());
    if (!opened.ok) return tooManyCeremonies(opened.retryAfterMs);
    const rp = relyingParty(c.req.url, c.env);
    const options = await newPasskeyOptions(
      rp,
      name,
      accountObject(c.env, claimKeys(name)).toString(),
      opened.challenge,
    );
    return c.json({ ceremony: gate.toString(), options });
  })
  .post("/claim/verify", async (c) => {
    const body = v.safeParse(ClaimFinish, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "send {ceremony, response}");
    const { response } = body.output;
    const ceremony = await takeCeremony(c.env, body.output.ceremony, response.response.clientDataJSON);
    if (ceremony === null || ceremony.kind !== "claim" || ceremony.name === undefined) return challengeExpired();
    const now = Date.now();
    const credential = await verifyNewPasskey(response, ceremony.challenge, relyingParty(c.req.url, c.env), now);
    if (credential instanceof Response) return credential;
    const name = ceremony.name;
    const keys = claimKeys(name);
    const home = accountObject(c.env, keys);
    const made = await c.env.ACCOUNT.get(home).create(name, credential, now);
    if (made === null) return nameClaimed(name);
    const claimant = { accountId: made.accountId, name };
    // Each look-alike key points at the account; one held already (claimed first by someone else), or
    // one that cannot be reached now, undoes the claim: an account whose look-alikes are free is not made.
    const reserved: string[] = [];
    let failed: "taken" | "unreachable" | null = null;
    for (const alias of keys.aliases) {
      try {
        if (!(await c.env.ACCOUNT.getByName(alias).reserveAlias(claimant, keys.primary, now))) failed = "taken";
      } catch {
        failed = "unreachable";
      }
      if (failed) break;
      reserved.push(alias);
    }
    // Listed in the index the doors read; an index that cannot be written undoes the claim too.
    if (!failed) {
      try {
        await indexClaim(c.env, [keys.primary, ...keys.aliases], claimant, true);
      } catch {
        failed = "unreachable";
        await indexClaim(c.env, [keys.primary, ...keys.aliases], claimant, false).catch(() => undefined);
      }
    }
    if (failed) {
      for (const undo of reserved) await c.env.ACCOUNT.getByName(undo).releaseAlias(made.accountId);
      await c.env.ACCOUNT.get(home).remove();
      return failed === "taken"
        ? nameClaimed(name)
        : httpError(HttpError.unavailable, "could not claim the name just now; try again");
    }
    console.log(JSON.stringify({ event: "account_created", account: made.accountId }));
    setSessionCookie(c, { account: home.toString(), secret: made.secret }, now + SESSION_TTL_MS);
    return c.json(await c.env.ACCOUNT.get(home).view());
  })
  .post("/signin/options", async (c) => {
    const gate = gateOf(c);
    const opened = await c.env.AUTH_GATE.get(gate).open("signin", undefined, Date.now());
    if (!opened.ok) return tooManyCeremonies(opened.retryAfterMs);
    const rp = relyingParty(c.req.url, c.env);
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      challenge: bytesOf(fromBase64url(opened.challenge)),
      userVerification: "required",
    });
    return c.json({ ceremony: gate.toString(), options });
  })
  .post("/signin/verify", async (c) => {
    const body = v.safeParse(SignInFinish, await c.req.json().catch(() => null));
    if (!body.success) return httpError(HttpError.badRequest, "send {ceremony, response}");
    const { response } = body.output;
    const ceremony = await takeCeremony(c.env, body.output.ceremony, response.response.clientDataJSON);
    if (ceremony === null || ceremony.kind !== "signin") return challengeExpired();
    const home = accountOfHandle(c.env, response.response.userHandle);
    const stored = home === null ? null : await c.env.ACCOUNT.get(home).credential(response.id);
    if (home === null || stored === null)
      return httpError(HttpError.unknownCredential, "this passkey opens no account here");
    const rp = relyingParty(c.req.url, c.env);
    let newCounter: number;
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: ceremony.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        // The counter is the account's to judge (`counterAdvances`), in the same step that signs in.
        credential: { id: stored.id, publicKey: stored.publicKey, counter: 0, transports: stored.transports },
        requireUserVerification: true,
      });
      if (!verified.verified) return verificationFailed("not verified");
      newCounter = verified.authenticationInfo.newCounter;
    } catch (error) {
      return verificationFailed(error);
    }
    const now = Date.now();
    const signedIn = await c.env.ACCOUNT.get(home).signIn(stored.id, newCounter, now);
    if (!signedIn.ok) {
      return signedIn.reason === "counter_regressed"
        ? httpError(HttpError.counterRegressed, "this passkey's counter went back; it may have been copied")
        : httpError(HttpError.unknownCredential, "this passkey opens no account here");
    }
    setSessionCookie(c, { account: home.toString(), secret: signedIn.secret }, now + SESSION_TTL_MS);
    return c.json(signedIn.account);
  })
  .use("/signout", session)
  .post("/signout", async (c: Context<SessionEnv>) => {
    const signedIn = c.get("signedIn");
    if (signedIn !== null) {
      await c.env.ACCOUNT.get(c.env.ACCOUNT.idFromString(signedIn.token.account)).signOut(signedIn.token.secret);
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .use("/signout-everywhere", session, requireBrowser)
  .post("/signout-everywhere", async (c: Context<SessionEnv>) => {
    const signedIn = c.get("signedIn");
    if (signedIn === null) return httpError(HttpError.unauthorized, "sign in first");
    await c.env.ACCOUNT.get(c.env.ACCOUNT.idFromString(signedIn.token.account)).signOutEverywhere();
    clearSessionCookie(c);
    return c.body(null, 204);
  });

function accountObject(env: Pick<Env, "ACCOUNT">, keys: ClaimKeys): DurableObjectId {
  return env.ACCOUNT.idFromName(keys.primary);
}

/** The account object a passkey's user handle names, or null when it names none. */
function accountOfHandle(env: Pick<Env, "ACCOUNT">, handle: string | undefined): DurableObjectId | null {
  if (handle === undefined) return null;
  try {
    return env.ACCOUNT.idFromString(fromBase64url(handle));
  } catch {
    return null;
  }
}

function nameClaimed(name: string): Response {
  return httpError(HttpError.nameClaimed, `the name ${name} (or one that looks like it) is already claimed`);
}
