/** Looks up an element the page must have; a missing one is a bug in index.html. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/**
 * Builds an element whose text is set with textContent, never parsed as HTML:
 * a message like `<img onerror=...>` shows as the characters typed.
 */
export function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
