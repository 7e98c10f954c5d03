import { displayUserCode, readUserCode } from "../../account/core/device-codes";

/**
 * The code a terminal shows for `/device`, as a person brings it: in the
 * link's `?code=`, or typed in any case, with or without the dash. Read with
 * the server's own rules, so a code that cannot be one never costs a try.
 */

/** The code as the terminal shows it (`BCDF-GHJK`), or null when `typed` cannot be one. */
export function userCode(typed: string): string | null {
  const code = readUserCode(typed.trim());
  return code === null ? null : displayUserCode(code);
}

/** What to put in the code field for a page at `search` (`?code=…`): the code, shown as the terminal does. */
export function codeFromSearch(search: string): string {
  const given = new URLSearchParams(search).get("code") ?? "";
  return userCode(given) ?? given.trim().slice(0, 20);
}
