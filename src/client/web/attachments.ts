import { type FileRef, isInlineImage } from "../../protocol";
import { humanSize } from "../core/uploads";
import { el } from "./dom";
import { openLightbox } from "./lightbox";

/** The longest side an image takes in the log: its thumbnail's. */
const SHOWN_MAX = 480;

/**
 * v1.10: a message's files under its text. One of the four drawn image types
 * shows at its thumbnail's size, reserved before it loads so the log never
 * jumps, and opens full size on click; anything else (SVG included) is a
 * card with its name, size and a download link.
 */
export function renderAttachments(files: readonly FileRef[]): HTMLElement {
  const box = el("div", "files");
  for (const file of files) {
    // Addresses are the room's own, relative to this site; anything else is not drawn as a link.
    if (!file.url.startsWith("/files/")) continue;
    box.append(isInlineImage(file.type) ? image(file) : card(file));
  }
  return box;
}

function image(file: FileRef): HTMLElement {
  const open = el("button", "shot");
  open.setAttribute("type", "button");
  open.setAttribute("aria-label", `Open image ${file.name}`);
  const img = document.createElement("img");
  img.alt = file.name;
  img.decoding = "async";
  if (file.width && file.height) {
    const scale = Math.min(1, SHOWN_MAX / Math.max(file.width, file.height));
    img.width = Math.round(file.width * scale);
    img.height = Math.round(file.height * scale);
  }
  img.src = file.thumb?.startsWith("/files/") ? file.thumb : file.url;
  open.append(img);
  open.addEventListener("click", () => openLightbox(file, open));
  return open;
}

function card(file: FileRef): HTMLElement {
  const link = el("a", "file-card") as HTMLAnchorElement;
  link.href = file.url;
  link.download = file.name;
  const name = el("span", "file-name", file.name);
  name.dir = "auto";
  // The kind of file by its name's ending, in letters every font has.
  const kind = /\.(\w{1,4})$/.exec(file.name)?.[1]?.toUpperCase() ?? "FILE";
  link.append(el("span", "file-icon", kind), name, el("span", "file-size", humanSize(file.size)));
  link.title = `Download ${file.name}`;
  return link;
}
