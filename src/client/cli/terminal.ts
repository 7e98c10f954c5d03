/**
 * Sizes on a terminal screen, for taking back what readline echoed. Once a
 * line is sent, the room's own copy of it (`[12:04] <alice> hello`) is the
 * one record of it; the typed echo above it would show it twice.
 */

// Zero width: combining marks, joiners, variation selectors and other format characters.
const ZERO = /[\p{Mn}\p{Me}\p{Cf}]/u;
// Two columns: emoji pictures and the East Asian wide and full-width blocks.
const WIDE =
  /[\p{Extended_Pictographic}\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

/** Columns `text` takes on a terminal (close enough for ordinary text; no escape sequences in it). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ZERO.test(ch)) continue;
    width += WIDE.test(ch) && (ch.codePointAt(0) ?? 0) > 0xff ? 2 : 1;
  }
  return width;
}

/**
 * Rows the prompt and a typed line took, as readline lays them out: it moves
 * to a fresh row when the text exactly fills one, so `width / columns` rounded
 * down, plus the row the text started on.
 */
export function echoRows(width: number, columns: number): number {
  return Math.floor(width / Math.max(1, columns)) + 1;
}

/** The escape sequence that moves up over `rows` rows and clears from there down. */
export function eraseRows(rows: number): string {
  return `\x1b[${rows}A\r\x1b[J`;
}
