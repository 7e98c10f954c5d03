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

export const ClaimFinish = v.object({
  ceremony,
  response: v.object({
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
  }),
});

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
