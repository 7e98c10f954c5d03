import { MAX_USERNAME_LENGTH } from "./limits";

/** Room names travel in URLs and Durable Object names, so they stay URL-safe. */
export const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Sessions are client-chosen ids that let a reload take its own name back. */
export const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function isRoomName(value: string): boolean {
  return ROOM_NAME.test(value);
}

/**
 * The one spelling of a room, or null when `value` is no room name. Names are
 * case-insensitive, as people expect from chat rooms: `Lobby` and `lobby` are
 * one room, and lower case is what names its Durable Object, its links and its
 * `welcome`, so no spelling can split a room in two or reach another.
 */
export function canonicalRoom(value: string): string | null {
  return isRoomName(value) ? value.toLowerCase() : null;
}

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

// Control characters would let a name rewrite a terminal; whitespace would make
// `/msg <user> <text>` ambiguous. Both are refused rather than silently stripped,
// so the person sees why their name was not taken.
// Bidirectional overrides are refused too: they make one name display as another.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\s\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

// Characters that draw nothing, so `alice` and `al\u200Bice` would look the same:
// every default-ignorable code point (zero-width space and joiners, word joiner,
// soft hyphen, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, tag
// characters, variation selectors), other invisible format characters, and the
// blank Braille pattern. Inside an emoji they are part of what is drawn, so
// those are allowed: a variation selector right after an emoji (how it is
// drawn), and a zero-width joiner between two emoji (one combined picture).
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/u;
const EMOJI_JOINERS =
  /(?<=\p{Extended_Pictographic})[\uFE0E\uFE0F]|(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;

export type UsernameCheck = { ok: true; username: string } | { ok: false; reason: string };

/**
 * Normalizes a requested name (trim, NFKC, so full-width and other compatibility
 * forms become their plain letters) and checks it against the naming rules. An
 * empty result is not valid here; callers pick an anonymous name first.
 */
export function checkUsername(requested: string): UsernameCheck {
  const username = requested.trim().normalize("NFKC");
  if (username.length === 0) return { ok: false, reason: "a name cannot be blank" };
  if (username.length > MAX_USERNAME_LENGTH) {
    return { ok: false, reason: `a name is at most ${MAX_USERNAME_LENGTH} characters` };
  }
  if (FORBIDDEN_IN_NAME.test(username)) {
    return { ok: false, reason: "a name cannot contain spaces or control characters" };
  }
  if (INVISIBLE.test(username.replace(EMOJI_JOINERS, ""))) {
    return { ok: false, reason: "a name cannot contain invisible characters" };
  }
  return { ok: true, username };
}

/**
 * Case-insensitive comparison of names, for clients telling their own name
 * apart. The server compares names by look as well (see the room's name keys).
 */
export function nameKey(username: string): string {
  return username.normalize("NFKC").toLowerCase();
}

/** `Anon_HHmmss`, from the UTC time of joining. */
export function anonymousName(now: number): string {
  const d = new Date(now);
  const two = (n: number) => String(n).padStart(2, "0");
  return `Anon_${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

/** Names in a sentence: the first `shown`, then how many more, `unnamed` among them ("ann, bo, cy and 7 more"). */
export function someNames(names: readonly string[], shown = 5, unnamed = 0): string {
  const more = Math.max(0, names.length - shown) + unnamed;
  return more > 0 ? `${names.slice(0, shown).join(", ")} and ${more} more` : names.join(", ");
}
