import { isInlineImage } from "../../protocol";

/** The longest side of the copy shown in the log. */
const THUMB_MAX = 480;
/** The protocol's largest side: an image past it goes without its size. */
const MAX_SIDE = 65_535;

/** An image's size in pixels, and a smaller copy when it is larger than the log shows it. */
export interface Measured {
  width: number;
  height: number;
  thumb?: Blob;
}

/**
 * Measures a picked image and draws its thumbnail, in the browser, so the
 * log can reserve its place before it loads and fetch a few kilobytes rather
 * than the whole photo. Null for anything that is not one of the four drawn
 * types, or that does not decode: such a file is sent as it is.
 */
export async function measure(file: Blob): Promise<Measured | null> {
  if (!isInlineImage(file.type)) return null;
  try {
    const bitmap = await createImageBitmap(file);
    const { width, height } = bitmap;
    const scale = THUMB_MAX / Math.max(width, height);
    if (scale >= 1 || Math.max(width, height) > MAX_SIDE) {
      bitmap.close();
      return Math.max(width, height) > MAX_SIDE ? null : { width, height };
    }
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    // WebP where the browser can write it; JPEG elsewhere (Safari writes PNG for a type it lacks).
    let thumb = await canvas.convertToBlob({ type: "image/webp", quality: 0.8 });
    if (thumb.type !== "image/webp") thumb = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.85 });
    return { width, height, thumb };
  } catch {
    return null;
  }
}
