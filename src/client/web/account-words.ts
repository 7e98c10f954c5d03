import { WebAuthnError } from "@simplewebauthn/browser";
import { AccountError } from "./account-api";
import { wholeSeconds } from "./wait";

/**
 * What to tell a person when an account action did not work: the server's
 * refusal in its own words (with what to do about a claimed name or a wait),
 * the authenticator's in plain ones, and a network failure as such. Never a
 * stack trace, never nothing.
 */

/** The hint a claimed name always comes with: the way in for its owner. */
export const CLAIMED_HINT = "If it is yours, sign in with a passkey; otherwise pick another name.";

const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** A refused join: the name, or a look-alike of it, belongs to an account this browser is not signed in to. */
export function claimedNameText(name: string | null): string {
  const which = name ? `“${name}”` : "That name";
  return `${which} belongs to an account. ${CLAIMED_HINT}`;
}

/** This browser's account ended its sessions everywhere (or was deleted) while it was in a room. */
export function signedOutText(message: string): string {
  return message ? sentence(message) : "You were signed out everywhere. Sign in with a passkey to come back.";
}

export function accountErrorText(error: unknown): string {
  if (error instanceof AccountError) {
    switch (error.code) {
      case "name_claimed":
        return `${sentence(error.message)} ${CLAIMED_HINT}`;
      case "rate_limited":
        return error.retryAfterMs === undefined
          ? sentence(error.message)
          : `Too many tries from here: try again in ${wholeSeconds(error.retryAfterMs)} s.`;
      case "link_expired":
        return "This link was used already or has expired. Make a new one on a signed-in device.";
      case "bad_code":
        return "No terminal is waiting on that code. Check it against the terminal, or start again there.";
      case "too_many_tries":
        return "Too many wrong codes: wait a few minutes, then start again in the terminal.";
      case "challenge_expired":
        return `${sentence(error.message)} Try again.`;
      default:
        return sentence(error.message);
    }
  }
  if (error instanceof WebAuthnError) return authenticatorText(error);
  // fetch rejects with a TypeError when the server cannot be reached at all.
  if (error instanceof TypeError) return "Could not reach the server; check the connection and try again.";
  if (error instanceof Error && error.name === "NotAllowedError") return CANCELLED;
  return error instanceof Error && error.message ? sentence(error.message) : "Something went wrong; try again.";
}

const CANCELLED = "The passkey request was cancelled or timed out; nothing changed.";

function authenticatorText(error: WebAuthnError): string {
  switch (error.code) {
    case "ERROR_CEREMONY_ABORTED":
      return CANCELLED;
    case "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED":
      return "This device already holds a passkey for that account: sign in with it instead.";
    case "ERROR_INVALID_DOMAIN":
    case "ERROR_INVALID_RP_ID":
      return "Passkeys do not work at this address; open the app by its name (such as localhost), not an IP address.";
    case "ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT":
    case "ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT":
    case "ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG":
      return "This device's authenticator cannot keep a passkey for this site; try another device or browser.";
    default:
      return error.name === "NotAllowedError" ? CANCELLED : sentence(error.message);
  }
}
