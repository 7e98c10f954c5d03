import {
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { Ceremony } from "../account/core/ceremony";
import type { Credential } from "../account/core/credentials";
import type { Env } from "../env";
import { HttpError, httpError, rateLimited } from "./errors";
import type { RelyingParty } from "./relying-party";
import { challengeOf, fromBase64url } from "./routes/auth-bodies";

/**
 * The worker's half of a passkey ceremony, shared by claiming a name, signing
 * in and adding a device: the gate that hands out challenges, taking one back
 * (once), and the answers for each way a ceremony fails.
 */

/** The gate of this request's client address: one per address, wherever it is asked from. */
export function gateOf(c: {
  env: Pick<Env, "AUTH_GATE">;
  req: { header(name: string): string | undefined };
}): DurableObjectId {
  return c.env.AUTH_GATE.idFromName(addressKey(c.req.header("CF-Connecting-IP") ?? "local"));
}

/**
 * What a rate per address counts by: an IPv4 address, or an IPv6 address's
 * /64, the block one subscriber is usually given, so rotating through it does
 * not multiply the rate.
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The ceremony a response answers, taken from the gate that opened it (so it answers once); null when none is open. */
export async function takeCeremony(
  env: Pick<Env, "AUTH_GATE">,
  gateHex: string,
  clientDataJSON: string,
): Promise<(Ceremony & { challenge: string }) | null> {
  const challenge = challengeOf(clientDataJSON);
  if (challenge === null) return null;
  let gate: DurableObjectId;
  try {
    gate = env.AUTH_GATE.idFromString(gateHex);
  } catch {
    return null;
  }
  const ceremony = await env.AUTH_GATE.get(gate).take(challenge, Date.now());
  return ceremony === null ? null : { ...ceremony, challenge };
}

/**
 * Options for a new passkey of the account whose object is `accountHex`. The
 * passkey's user handle names that object, so signing in later needs no name
 * typed: the authenticator hands the handle back.
 */
export function newPasskeyOptions(rp: RelyingParty, name: string, accountHex: string, challenge: string) {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: name,
    userDisplayName: name,
    userID: bytesOf(accountHex),
    challenge: bytesOf(fromBase64url(challenge)),
    attestationType: "none",
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
}

/** A new passkey's response checked against its ceremony: the credential to store, or the refusal to answer with. */
export async function verifyNewPasskey(
  response: RegistrationResponseJSON,
  challenge: string,
  rp: RelyingParty,
  now: number,
): Promise<Credential | Response> {
  try {
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      // A passkey is the only factor: the person must have unlocked it (biometrics or PIN), not only touched it.
      requireUserVerification: true,
    });
    if (!verified.verified) return verificationFailed("not verified");
    const { credential } = verified.registrationInfo;
    return {
      id: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      createdAt: now,
    };
  } catch (error) {
    return verificationFailed(error);
  }
}

/** A string's characters as bytes (each below 256: hex, or a decoded base64url). */
export function bytesOf(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

export function challengeExpired(): Response {
  return httpError(HttpError.challengeExpired, "this sign-in took too long or was answered already; start again");
}

export function verificationFailed(error: unknown): Response {
  console.log(JSON.stringify({ event: "passkey_refused", reason: String(error).slice(0, 200) }));
  return httpError(HttpError.verificationFailed, "the passkey's answer did not check out");
}

export function tooManyCeremonies(retryAfterMs: number): Response {
  return rateLimited("too many sign-ins from your address; try again later", retryAfterMs);
}

/** The account object a token's hex names, or null when it names none. */
export function accountById(env: Pick<Env, "ACCOUNT">, hex: string) {
  try {
    return env.ACCOUNT.get(env.ACCOUNT.idFromString(hex));
  } catch {
    return null;
  }
}
