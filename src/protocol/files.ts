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
