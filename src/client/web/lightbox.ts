import type { FileRef } from "../../protocol";
import { $ } from "./dom";

/**
 * An image full size over the page, in a modal dialog: Esc, the close
 * button or a click beside the image closes it, and the focus goes back to
 * the image in the log that opened it.
 */
export function openLightbox(file: FileRef, from: HTMLElement): void {
  const dialog = $<HTMLDialogElement>("lightbox");
  const img = $<HTMLImageElement>("lightbox-img");
  const link = $<HTMLAnchorElement>("lightbox-link");
  img.alt = file.name;
  dialog.setAttribute("aria-label", file.name);
  img.removeAttribute("width");
  img.removeAttribute("height");
  if (file.width && file.height) {
    img.width = file.width;
    img.height = file.height;
  }
  img.src = file.url;
  link.href = file.url;
  link.download = file.name;
  link.textContent = file.name;
  const close = () => dialog.close();
  $("lightbox-close").onclick = close;
  dialog.onclick = (e) => {
    if (e.target === dialog) close();
  };
  dialog.onclose = () => {
    img.removeAttribute("src");
    if (from.isConnected) from.focus();
  };
  dialog.showModal();
  $("lightbox-close").focus();
}
