import { type CBORType, encodeCBOR } from "@levischuck/tiny-cbor";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

/**
 * A passkey authenticator in software, standing in for the browser and the
 * device together: it answers the server's options with the same JSON that
 * `startRegistration` / `startAuthentication` of @simplewebauthn/browser
 * resolve to, holding real P-256 keys, so the server's verification runs
 * unchanged. Only WebCrypto and CBOR, so it runs in Node and in workerd alike.
 */

/** Values that make a response lie about where, for what or when it was made. */
export interface RegistrationTweak {
  /** Only touched, not unlocked: the user-verified flag is left out. */
  unverified?: boolean;
  origin?: string;
  rpId?: string;
  challenge?: string;
}

export interface AuthenticationTweak extends RegistrationTweak {
  /** Signed instead of the next count; the credential's own count is left as it was (a clone's view). */
  counter?: number;
  /** Which passkey answers, when several could. */
  credentialId?: string;
}

export interface HeldCredential {
  id: string;
  userHandle: string;
  counter: number;
}

interface Credential extends HeldCredential {
  privateKey: CryptoKey;
}

const ES256 = -7;
const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const ATTESTED_DATA = 0x40;
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" };

export class SoftAuthenticator {
  private readonly held: Credential[] = [];

  /** `origin` is the page the ceremonies run on, e.g. "http://localhost". */
  constructor(private readonly origin: string) {}

  /** A new discoverable ES256 passkey for `options.user.id`, attested with "none". */
  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    tweak: RegistrationTweak = {},
  ): Promise<RegistrationResponseJSON> {
    if (!options.pubKeyCredParams.some((param) => param.alg === ES256)) {
      throw new Error("the server does not accept ES256, the only algorithm this authenticator has");
    }
    const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    if (!("privateKey" in keys)) throw new Error("ECDSA key generation gave no key pair");
    const point = await crypto.subtle.exportKey("raw", keys.publicKey);
    const spki = await crypto.subtle.exportKey("spki", keys.publicKey);
    if (!(point instanceof ArrayBuffer) || !(spki instanceof ArrayBuffer)) throw new Error("public key export failed");

    const rawId = crypto.getRandomValues(new Uint8Array(16));
    const credential: Credential = {
      id: base64url(rawId),
      userHandle: options.user.id,
      counter: 0,
      privateKey: keys.privateKey,
    };
    const rpId = tweak.rpId ?? options.rp.id ?? this.hostname();
    const authData = concat(
      await sha256(utf8(rpId)),
      Uint8Array.of(USER_PRESENT | (tweak.unverified ? 0 : USER_VERIFIED) | ATTESTED_DATA),
      uint32(credential.counter),
      new Uint8Array(16), // AAGUID: none, as platform authenticators give with "none" attestation
      Uint8Array.of(rawId.length >> 8, rawId.length & 0xff),
      rawId,
      coseKey(new Uint8Array(point)),
    );
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    this.held.push(credential);
    return {
      ...platformCredential(credential.id),
      response: {
        clientDataJSON: base64url(this.clientData("webauthn.create", options.challenge, tweak)),
        attestationObject: base64url(attestationObject),
        authenticatorData: base64url(authData),
        transports: ["internal"],
        publicKeyAlgorithm: ES256,
        publicKey: base64url(new Uint8Array(spki)),
      },
    };
  }

  /**
   * An assertion from the passkey named by `tweak.credentialId`, else the first
   * one `allowCredentials` lists, else the only one held. Each counts one more use.
   */
  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    tweak: AuthenticationTweak = {},
  ): Promise<AuthenticationResponseJSON> {
    const credential = this.choose(options, tweak.credentialId);
    let counter = tweak.counter;
    if (counter === undefined) {
      credential.counter += 1;
      counter = credential.counter;
    }
    const rpId = tweak.rpId ?? options.rpId ?? this.hostname();
    const authData = concat(
      await sha256(utf8(rpId)),
      Uint8Array.of(USER_PRESENT | (tweak.unverified ? 0 : USER_VERIFIED)),
      uint32(counter),
    );
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, tweak);
    const signed = concat(authData, await sha256(clientDataJSON));
    const signature = new Uint8Array(await crypto.subtle.sign(ECDSA_SHA256, credential.privateKey, signed));
    return {
      ...platformCredential(credential.id),
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(derSignature(signature)),
        userHandle: credential.userHandle,
      },
    };
  }

  /** The passkeys held, oldest first. */
  credentials(): readonly HeldCredential[] {
    return this.held.map(({ id, userHandle, counter }) => ({ id, userHandle, counter }));
  }

  private choose(options: PublicKeyCredentialRequestOptionsJSON, wanted: string | undefined): Credential {
    const allowed = options.allowCredentials?.map((descriptor) => descriptor.id) ?? [];
    const found =
      wanted !== undefined
        ? this.held.find((credential) => credential.id === wanted)
        : allowed.length > 0
          ? this.held.find((credential) => allowed.includes(credential.id))
          : this.held.length === 1
            ? this.held[0]
            : undefined;
    if (found) return found;
    throw new Error(
      this.held.length > 1 && wanted === undefined && allowed.length === 0
        ? "several passkeys could answer: name one with credentialId"
        : "no passkey held here fits the request",
    );
  }

  private clientData(type: string, challenge: string, tweak: RegistrationTweak): Uint8Array {
    const origin = tweak.origin ?? this.origin;
    return utf8(JSON.stringify({ type, challenge: tweak.challenge ?? challenge, origin, crossOrigin: false }));
  }

  private hostname(): string {
    return new URL(this.origin).hostname;
  }
}

/** What both ceremonies' responses say of the passkey itself: a public key on this device. */
function platformCredential(id: string): Omit<RegistrationResponseJSON, "response"> {
  return { id, rawId: id, type: "public-key", authenticatorAttachment: "platform", clientExtensionResults: {} };
}

/**
 * WebCrypto gives ECDSA signatures as r ‖ s; WebAuthn carries them as an
 * ASN.1 DER SEQUENCE of two INTEGERs, each minimal and positive.
 */
export function derSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  return concat(Uint8Array.of(0x30, r.length + s.length), r, s);
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const digits = bytes.subarray(start);
  // A set high bit would read as negative, so a zero byte goes in front.
  const sign = (digits[0] ?? 0) & 0x80 ? Uint8Array.of(0) : new Uint8Array(0);
  return concat(Uint8Array.of(0x02, sign.length + digits.length), sign, digits);
}

/** The credential's public key as COSE_Key (RFC 9053): EC2, ES256, P-256, x, y. */
function coseKey(point: Uint8Array): Uint8Array {
  // The raw export is 0x04 ‖ x ‖ y.
  return encodeCBOR(
    new Map<number, CBORType>([
      [1, 2],
      [3, ES256],
      [-1, 1],
      [-2, point.slice(1, 33)],
      [-3, point.slice(33, 65)],
    ]),
  );
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
