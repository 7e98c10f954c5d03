/**
 * v1.10: the file types a page shows in place: the four images a browser only
 * draws. Every other file, SVG included (it can carry script), is a download.
 * Shared by the server, which serves these inline and all else as attachments,
 * and the clients, which show these in the log and all else as a card.
 */
export const INLINE_IMAGE_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export function isInlineImage(type: string): boolean {
  return INLINE_IMAGE_TYPES.includes(type);
}

/**
 * What a file name may not hold, as a room takes it: control characters, path
 * separators, and characters that draw nothing or turn text around (a
 * right-to-left override makes `evil‮gnp.exe` read as `evilexe.png`).
 */
const UNSAFE_IN_FILE_NAME = /[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}/\\]/u;
const UNSAFE_IN_FILE_NAME_ALL = new RegExp(UNSAFE_IN_FILE_NAME.source, "gu");

/** The longest file name a room takes, in UTF-16 code units. */
export const MAX_FILE_NAME = 255;

/** Whether a room takes this name for a file as it is. */
export function isFileName(name: string): boolean {
  return name.trim() === name && name.length > 0 && name.length <= MAX_FILE_NAME && !UNSAFE_IN_FILE_NAME.test(name);
}

/** A name a room takes, made from whatever a disk or a clipboard called the file. */
export function fileNameFor(name: string): string {
  let kept = "";
  for (const ch of name.replace(UNSAFE_IN_FILE_NAME_ALL, "_").trim()) {
    if (kept.length + ch.length > MAX_FILE_NAME) break;
    kept += ch;
  }
  return kept.trim() || "file";
}
