import * as v from "valibot";

/**
 * The bodies the accounts API accepts, read from untrusted JSON into the
 * shapes `@simplewebauthn/server` checks. Every string is bounded: a passkey's
 * response is a few kilobytes at most.
 */

const b64 = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9_-]*={0,2}$/));
const attachment = v.optional(v.picklist(["cross-platform", "platform"]));

export const ClaimStart = v.object({ name: v.pipe(v.string(), v.maxLength(200)) });

/** The hex id of the gate that handed out the challenge. */
const ceremony = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

const NewPasskey = v.object({
  id: b64(1400),
  rawId: b64(1400),
  response: v.object({
    clientDataJSON: b64(4000),
    attestationObject: b64(16000),
    authenticatorData: v.optional(b64(16000)),
    transports: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(20))), v.maxLength(10))),
    publicKeyAlgorithm: v.optional(v.number()),
    publicKey: v.optional(b64(4000)),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: v.object({}),
  type: v.literal("public-key"),
});

export const ClaimFinish = v.object({ ceremony, response: NewPasskey });

/** A one-time link's code: the account's object and the link's secret, as a session token is written. */
const linkCode = v.pipe(v.string(), v.maxLength(120));
export const LinkStart = v.object({ code: linkCode });
export const LinkFinish = v.object({ code: linkCode, ceremony, response: NewPasskey });

const label = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60));
export const DeviceStart = v.object({ label: v.optional(label) });
export const DeviceToken = v.object({ deviceCode: v.pipe(v.string(), v.maxLength(100)) });
export const UserCode = v.object({ userCode: v.pipe(v.string(), v.maxLength(20)) });
export const TokenCreate = v.object({ label });

export const SignInFinish = v.object({
  ceremony,
  response: v.object({
    id: b64(1400),
    rawId: b64(1400),
    response: v.object({
      clientDataJSON: b64(4000),
      authenticatorData: b64(4000),
      signature: b64(1000),
      userHandle: v.optional(b64(200)),
    }),
    authenticatorAttachment: attachment,
    clientExtensionResults: v.object({}),
    type: v.literal("public-key"),
  }),
});

/** The challenge a response answers, as its signed client data says. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data: unknown = JSON.parse(fromBase64url(clientDataJSON));
    return v.is(v.object({ challenge: v.string() }), data) ? data.challenge : null;
  } catch {
    return null;
  }
}

export function fromBase64url(text: string): string {
  const plain = text.replaceAll("-", "+").replaceAll("_", "/");
  return atob(plain + "=".repeat((4 - (plain.length % 4)) % 4));
}
