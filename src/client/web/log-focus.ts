/** What inside a line can take focus: its actions, chips, quote, links and code blocks. */
const CONTROLS = "button, a[href], pre, [tabindex]";

/**
 * The log as one Tab stop, with a roving focus as message lists in chat apps
 * have it: Tab lands on one line (the one last focused, else the newest), the
 * Up and Down arrows move between lines, Home and End go to the first and last
 * loaded, Right (or Enter) moves into a line's controls and Left or Escape
 * back out, and Tab leaves the log. A line's controls are never Tab stops, so
 * a long log costs the keyboard one press, not three per message. A letter
 * typed in the log goes to the composer, as in Slack: reading, one starts
 * answering without reaching for the box.
 */
export class LogFocus {
  readonly #lines: HTMLElement;
  /** The line Tab lands on; null until the list has lines. */
  #stop: HTMLElement | null = null;
  /** Whether the reader chose the stop; until then it follows the newest line. */
  #chosen = false;

  constructor(
    lines: HTMLElement,
    private readonly host: {
      /** ↑ was pressed on the first line loaded. */
      olderWanted(): void;
      /** A printable character was typed: true when the composer took it. */
      typed(text: string): boolean;
    },
    signal: AbortSignal,
  ) {
    this.#lines = lines;
    lines.addEventListener("keydown", (e) => this.#onKey(e), { signal });
    lines.addEventListener(
      "focusin",
      (e) => {
        const line = lineOf(e.target);
        if (line) this.#setStop(line, true);
      },
      { signal },
    );
  }

  /** A line just drawn: it and its controls are reached by arrows, not by Tab. */
  adopt(line: HTMLElement): HTMLElement {
    line.tabIndex = -1;
    for (const control of line.querySelectorAll<HTMLElement>(CONTROLS)) control.tabIndex = -1;
    return line;
  }

  /** The list changed: the stop stays on the reader's line while it is shown, else goes to the newest. */
  settle(): void {
    if (this.#stop?.parentNode === this.#lines && this.#chosen) return;
    const newest = lastLine(this.#lines);
    if (newest) this.#setStop(newest, false);
  }

  /** `old` was drawn afresh as `fresh`: the stop, and the focus when it was inside, move across. */
  replaced(old: HTMLElement, fresh: HTMLElement, focused: Element | null): void {
    if (this.#stop === old) this.#setStop(fresh, this.#chosen);
    if (!(focused instanceof HTMLElement)) return;
    if (focused === old) {
      fresh.focus({ preventScroll: true });
      return;
    }
    const same = [...fresh.querySelectorAll<HTMLElement>(CONTROLS)].find((c) => sameControl(c, focused));
    (same ?? fresh).focus({ preventScroll: true });
  }

  #setStop(line: HTMLElement, chosen: boolean): void {
    this.#chosen = chosen;
    if (this.#stop === line) return;
    if (this.#stop) this.#stop.tabIndex = -1;
    line.tabIndex = 0;
    this.#stop = line;
  }

  #onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    const line = lineOf(target);
    if (!line) return;
    if (printable(e) && this.host.typed(e.key)) {
      e.preventDefault();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const onLine = target === line;
    let next: HTMLElement | null = null;
    switch (e.key) {
      case "ArrowUp":
        next = step(line, -1);
        if (!next && onLine) this.host.olderWanted();
        break;
      case "ArrowDown":
        next = step(line, 1);
        break;
      case "Home":
        next = onLine ? firstLine(this.#lines) : null;
        break;
      case "End":
        next = onLine ? lastLine(this.#lines) : null;
        break;
      case "ArrowRight":
      case "Enter": {
        if (onLine) next = controls(line)[0] ?? null;
        else if (e.key === "ArrowRight") next = neighbour(line, target, 1);
        break;
      }
      case "ArrowLeft":
        if (!onLine) next = neighbour(line, target, -1) ?? line;
        break;
      case "Escape":
        if (!onLine) next = line;
        break;
    }
    if (!next) return;
    e.preventDefault();
    e.stopPropagation();
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
  }
}

/**
 * A key that types a character: one character, no shortcut's modifier
 * (AltGr, which some layouts need for `@`, comes as Ctrl+Alt and counts as
 * typing). Space is left to the buttons it presses.
 */
function printable(e: KeyboardEvent): boolean {
  if (e.isComposing || [...e.key].length !== 1 || e.key === " ") return false;
  if (e.metaKey) return false;
  return !e.ctrlKey || e.getModifierState("AltGraph");
}

function lineOf(target: EventTarget | null): HTMLElement | null {
  return target instanceof Element ? target.closest<HTMLElement>("#lines > li.line") : null;
}

const isLine = (e: Element | null): e is HTMLElement => e instanceof HTMLElement && e.matches("li.line");

function firstLine(list: HTMLElement): HTMLElement | null {
  let e = list.firstElementChild;
  while (e && !isLine(e)) e = e.nextElementSibling;
  return isLine(e) ? e : null;
}

function lastLine(list: HTMLElement): HTMLElement | null {
  let e = list.lastElementChild;
  while (e && !isLine(e)) e = e.previousElementSibling;
  return isLine(e) ? e : null;
}

/** The line before (-1) or after (1) `line`, past day separators and the unread mark. */
function step(line: HTMLElement, by: -1 | 1): HTMLElement | null {
  let e = by < 0 ? line.previousElementSibling : line.nextElementSibling;
  while (e && !isLine(e)) e = by < 0 ? e.previousElementSibling : e.nextElementSibling;
  return isLine(e) ? e : null;
}

/** A line's controls, in reading order: the quote, links, chips, then its actions. */
function controls(line: HTMLElement): HTMLElement[] {
  return [...line.querySelectorAll<HTMLElement>(CONTROLS)].filter((c) => c.getClientRects().length > 0);
}

function neighbour(line: HTMLElement, control: HTMLElement, by: -1 | 1): HTMLElement | null {
  const all = controls(line);
  return all[all.indexOf(control) + by] ?? null;
}

/** The same action, chip or link in a line drawn afresh. */
function sameControl(candidate: HTMLElement, was: HTMLElement): boolean {
  const a = candidate.dataset;
  const b = was.dataset;
  if (b.act) return a.act === b.act && a.emoji === b.emoji;
  return candidate.tagName === was.tagName && candidate.textContent === was.textContent;
}
