import { dayKey, dayLabel } from "../core/dates";
import { continues, isFromOthers, type Line } from "../core/model";
import { el } from "./dom";

/**
 * The log's list, kept equal to a list of lines: each line's element is made
 * once and reused, a separator heads each day, a marker shows where the
 * unread part starts, and runs of one person's messages are grouped. Called
 * after every change; only elements out of place are moved.
 */
export class MessageList {
  readonly #rendered = new WeakMap<Line, HTMLElement>();
  readonly #days = new Map<string, HTMLElement>();
  readonly #marker = el("li", "unread-mark", "New");

  constructor(
    private readonly list: HTMLElement,
    private readonly render: (line: Line) => HTMLElement,
    /** Told when a line on the page is swapped for its fresh drawing, with what had focus in it, so focus can follow. */
    private readonly replaced: (old: HTMLElement, fresh: HTMLElement, focused: Element | null) => void = () =>
      undefined,
  ) {}

  /** The element drawn for `line`, made on first use. */
  element(line: Line): HTMLElement {
    let element = this.#rendered.get(line);
    if (!element) {
      element = this.render(line);
      this.#rendered.set(line, element);
    }
    return element;
  }

  /** The element already drawn for `line`, if any. */
  shown(line: Line): HTMLElement | undefined {
    return this.#rendered.get(line);
  }

  /** `line` changed: draw it afresh, in place if it is on the page. */
  redraw(line: Line): void {
    const old = this.#rendered.get(line);
    this.#rendered.delete(line);
    if (old?.parentNode) {
      const active = document.activeElement;
      const focused = active && old.contains(active) ? active : null;
      const fresh = this.element(line);
      fresh.classList.toggle("cont", old.classList.contains("cont"));
      old.replaceWith(fresh);
      this.replaced(old, fresh, focused);
    }
  }

  /** Makes the list show `lines`, with the unread marker before the first line from others after `readUpTo`. */
  sync(lines: readonly Line[], readUpTo: number | null, now = Date.now()): void {
    const wanted: HTMLElement[] = [];
    let day: string | null = null;
    let prev: Line | null = null;
    let marked = readUpTo === null;
    for (const line of lines) {
      const key = dayKey(line.ts);
      if (key !== day) {
        wanted.push(this.#separator(key, line.ts, now));
        day = key;
        prev = null;
      }
      if (!marked && line.id !== null && line.id > (readUpTo ?? 0) && isFromOthers(line)) {
        wanted.push(this.#marker);
        marked = true;
        prev = null;
      }
      const element = this.element(line);
      element.classList.toggle("cont", continues(prev, line));
      wanted.push(element);
      prev = line;
    }
    const keep = new Set<Element>(wanted);
    for (const child of [...this.list.children]) if (!keep.has(child)) child.remove();
    let node = this.list.firstElementChild;
    for (const element of wanted) {
      if (element === node) node = node.nextElementSibling;
      else this.list.insertBefore(element, node);
    }
  }

  /** Whether the unread marker is on the page. */
  get marked(): boolean {
    return this.#marker.isConnected;
  }

  #separator(key: string, ts: number, now: number): HTMLElement {
    let sep = this.#days.get(key);
    if (!sep) {
      sep = el("li", "day");
      this.#days.set(key, sep);
    }
    // "Today" becomes "Yesterday" after midnight.
    sep.textContent = dayLabel(ts, now);
    return sep;
  }
}
