import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import { type AuthenticationTweak, base64url, derSignature, fromBase64url, SoftAuthenticator } from "./authenticator";

const origin = "http://localhost";
const rpID = "localhost";

function registrationOptions() {
  return generateRegistrationOptions({ rpName: "Hallway", rpID, userName: "ada" });
}

async function verifyRegistration(response: RegistrationResponseJSON, expectedChallenge: string) {
  return verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: origin, expectedRPID: rpID });
}

/** A passkey registered and verified, as the server stores it. */
async function registered(authenticator = new SoftAuthenticator(origin)) {
  const options = await registrationOptions();
  const { registrationInfo } = await verifyRegistration(await authenticator.register(options), options.challenge);
  if (!registrationInfo) throw new Error("registration did not verify");
  return { authenticator, credential: registrationInfo.credential, userHandle: options.user.id };
}

async function signIn(
  authenticator: SoftAuthenticator,
  credential: WebAuthnCredential,
  tweak: AuthenticationTweak = {},
) {
  const options = await generateAuthenticationOptions({ rpID });
  const response = await authenticator.authenticate(options, tweak);
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
  });
}

describe("SoftAuthenticator", () => {
  it("makes a registration the server verifies, with a user-verified ES256 passkey", async () => {
    const authenticator = new SoftAuthenticator(origin);
    const options = await registrationOptions();
    const response = await authenticator.register(options);

    const { verified, registrationInfo } = await verifyRegistration(response, options.challenge);

    expect(verified).toBe(true);
    expect(registrationInfo?.fmt).toBe("none");
    expect(registrationInfo?.userVerified).toBe(true);
    expect(registrationInfo?.credential.id).toBe(response.id);
    expect(registrationInfo?.credential.counter).toBe(0);
    expect(response.response.publicKeyAlgorithm).toBe(-7);
    expect(authenticator.credentials()).toEqual([{ id: response.id, userHandle: options.user.id, counter: 0 }]);
  });

  it("signs assertions that verify with the stored public key, counting 1 then 2", async () => {
    const { authenticator, credential, userHandle } = await registered();

    const first = await signIn(authenticator, credential);
    const second = await signIn(authenticator, { ...credential, counter: first.authenticationInfo.newCounter });

    expect(first.verified).toBe(true);
    expect(first.authenticationInfo.newCounter).toBe(1);
    expect(first.authenticationInfo.userVerified).toBe(true);
    expect(second.verified).toBe(true);
    expect(second.authenticationInfo.newCounter).toBe(2);
    expect(authenticator.credentials()[0]).toMatchObject({ userHandle, counter: 2 });
  });

  it("answers with the user handle given at registration", async () => {
    const { authenticator, userHandle } = await registered();
    const response = await authenticator.authenticate(await generateAuthenticationOptions({ rpID }));
    expect(response.response.userHandle).toBe(userHandle);
  });

  it("answers with the passkey allowCredentials names when it holds several", async () => {
    const { authenticator } = await registered();
    const { credential } = await registered(authenticator);
    const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });

    const response = await authenticator.authenticate(options);

    expect(response.id).toBe(credential.id);
    await expect(authenticator.authenticate(await generateAuthenticationOptions({ rpID }))).rejects.toThrow(
      /several passkeys/,
    );
  });

  it("refuses a server that does not accept ES256", async () => {
    const options = await generateRegistrationOptions({
      rpName: "Hallway",
      rpID,
      userName: "ada",
      supportedAlgorithmIDs: [-8],
    });
    await expect(new SoftAuthenticator(origin).register(options)).rejects.toThrow(/ES256/);
  });

  describe.each([
    { forged: "another origin", tweak: { origin: "https://evil.example" }, refusal: /origin/ },
    { forged: "another RP ID", tweak: { rpId: "evil.example" }, refusal: /RP ID/ },
    { forged: "another challenge", tweak: { challenge: base64url(new Uint8Array(32)) }, refusal: /challenge/ },
  ])("a response for $forged", ({ tweak, refusal }) => {
    it("is refused at registration", async () => {
      const options = await registrationOptions();
      const response = await new SoftAuthenticator(origin).register(options, tweak);
      await expect(verifyRegistration(response, options.challenge)).rejects.toThrow(refusal);
    });

    it("is refused at sign-in", async () => {
      const { authenticator, credential } = await registered();
      await expect(signIn(authenticator, credential, tweak)).rejects.toThrow(refusal);
    });
  });

  it("refuses a tampered signature", async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID });
    const response = await authenticator.authenticate(options);
    const signature = fromBase64url(response.response.signature);
    const last = signature.length - 1;
    signature[last] = (signature[last] ?? 0) ^ 0x01;
    response.response.signature = base64url(signature);

    const { verified } = await verifyAuthenticationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    });

    expect(verified).toBe(false);
  });

  it("refuses a counter set back", async () => {
    const { authenticator, credential } = await registered();
    await signIn(authenticator, credential);
    await signIn(authenticator, { ...credential, counter: 1 });

    await expect(signIn(authenticator, { ...credential, counter: 2 }, { counter: 1 })).rejects.toThrow(/counter/);
    expect(authenticator.credentials()[0]?.counter).toBe(2);
  });
});

describe("derSignature", () => {
  it("writes each integer minimal, with a zero byte before a set high bit", () => {
    const r = new Uint8Array(32);
    r[2] = 0x7f;
    const s = new Uint8Array(32).fill(0x80);
    const der = derSignature(new Uint8Array([...r, ...s]));
    expect([...der]).toEqual([0x30, 4 + 30 + 33, 0x02, 30, 0x7f, ...r.subarray(3), 0x02, 33, 0x00, ...s]);
  });
});
