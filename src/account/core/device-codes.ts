/**
 * The terminal's device flow: the terminal shows a short code, the person
 * types or confirms it in a browser that is signed in, and the terminal,
 * asking every few seconds, receives a token of its own.
 */

/** A code lasts this long. */
export const DEVICE_CODE_TTL_MS = 10 * 60 * 1000;
/** How often the terminal may ask; asking faster is told to slow down. */
export const POLL_INTERVAL_MS = 2000;

/** Consonants only, none that read alike (no vowels, so no words; no I, O, U, Y, E, A). */
const LETTERS = "BCDFGHJKLMNPQRSTVWXZ";
const LENGTH = 8;

/** Eight letters from `LETTERS`: about 2.6 * 10^10 codes, and every one expires in 10 minutes. */
export function newUserCode(): string {
  let code = "";
  // 256 is not a multiple of 20: bytes past the last whole run of 20 are drawn again, so every letter is as likely.
  while (code.length < LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(LENGTH * 2))) {
      if (b < 240 && code.length < LENGTH) code += LETTERS[b % LETTERS.length];
    }
  }
  return code;
}

/** The code as people read it: `BCDF-GHJK`. */
export function displayUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The code as typed (any case, with or without the dash or spaces), or null when it cannot be one. */
export function readUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== LENGTH) return null;
  for (const ch of code) if (!LETTERS.includes(ch)) return null;
  return code;
}

/** The terminal's secret half: `<user code>.<secret>`, so a poll finds its flow without an index. */
export function parseDeviceCode(value: string): { userCode: string; secret: string } | null {
  const match = /^([A-Z]{8})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return match?.[1] && match[2] ? { userCode: match[1], secret: match[2] } : null;
}
