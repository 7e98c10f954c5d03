import { el } from "./dom";

/**
 * The mark beside a name whose person is signed in to the account of that
 * name: a small check, read out as "verified", with a tooltip saying what it
 * means. It is drawn from the frames' `verified`, never from the name.
 */
export function verifiedMark(): HTMLElement {
  const mark = el("span", "verified", "✓");
  mark.setAttribute("role", "img");
  mark.setAttribute("aria-label", "verified");
  mark.title = "signed in to this name's account";
  return mark;
}

/** A name as shown above a message or in a list: the name, then the mark when `verified`. */
export function nameWithMark(className: string, name: string, verified: boolean): HTMLElement[] {
  const who = el("span", className, name);
  return verified ? [who, verifiedMark()] : [who];
}
