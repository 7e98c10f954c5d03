/** `bytes` random bytes as base64url without padding: how secrets and challenges travel. */
export function randomBase64url(bytes: number): string {
  let text = "";
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Bytes as lower-case hex. */
export function hex(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += b.toString(16).padStart(2, "0");
  return text;
}

/** `bytes` random bytes as hex. */
export function randomHex(bytes: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(bytes)));
}
