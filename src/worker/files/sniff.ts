/**
 * v1.10: a file's type, read from its first bytes; never from its name or the
 * client's word, since both are whatever the sender says. The four image
 * types a browser shows inline are told apart, and PDF (so a file card can say
 * what it is): anything else, SVG and HTML included, is
 * `application/octet-stream`. All but the images are served as downloads.
 */
export const OCTET_STREAM = "application/octet-stream";

/** How many leading bytes `sniff` needs to tell every type it knows. */
export const SNIFF_BYTES = 12;

const SIGNATURES: readonly { type: string; bytes: readonly (number | null)[] }[] = [
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { type: "image/gif", bytes: [0x47, 0x49, 0x46, 0x38, null, 0x61] },
  // "RIFF", four bytes of length, then "WEBP".
  { type: "image/webp", bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50] },
  // "%PDF-".
  { type: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

export function sniff(head: Uint8Array): string {
  const found = SIGNATURES.find(({ bytes }) => bytes.every((b, i) => i < head.length && (b === null || head[i] === b)));
  return found?.type ?? OCTET_STREAM;
}
