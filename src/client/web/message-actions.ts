import { ClientType } from "../../protocol";
import type { GapLine, Line, MessageLine } from "../core/model";
import { type ActionFrame, newClientId } from "../core/queued-frames";
import { $, el } from "./dom";
import { focusCell, rovingGrid } from "./grid-keys";

/** Reactions offered in the picker, before those already on the message. */
const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];
/** How long a touch must rest on a message to open its actions. */
const LONG_PRESS_MS = 450;
/** How long "Delete?" waits for the second click. */
const CONFIRM_MS = 4000;

/** What the actions need from the view that shows the log. */
export interface MessageActionsHost {
  /** The line an element of the log belongs to, among those shown. */
  lineOf(element: Element): Line | undefined;
  /** Sends an action frame; false (and the person is told) when not connected. */
  act(frame: ActionFrame): boolean;
  reply(line: MessageLine): void;
  edit(line: MessageLine): void;
  fillGap(gap: GapLine): void;
  scrollToMessage(id: number): void;
}

/**
 * What a person can do to a message in the log: reply, edit, delete (with a
 * second click to confirm), react from a picker, and follow a quote to the
 * message it answers. One listener on the log serves every line, so lines
 * drawn later need no wiring; a touch resting on a line opens its toolbar,
 * as hovering does with a mouse.
 */
export class MessageActions {
  readonly #log: HTMLElement;
  readonly #lines: HTMLElement;
  readonly #host: MessageActionsHost;
  /** The React button the picker was opened from, where focus goes back when it closes. */
  #opener: HTMLElement | null = null;

  constructor(log: HTMLElement, lines: HTMLElement, host: MessageActionsHost, signal: AbortSignal) {
    this.#log = log;
    this.#lines = lines;
    this.#host = host;
    lines.addEventListener("click", (e) => this.#onClick(e), { signal });
    lines.addEventListener("pointerdown", (e) => this.#longPress(e), { signal });
    const picker = $("picker");
    rovingGrid(picker, signal);
    picker.addEventListener(
      "keydown",
      (e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        this.closePicker();
      },
      { signal },
    );
    document.addEventListener(
      "pointerdown",
      (e) => {
        // A tap outside an open picker or message toolbar closes it.
        const target = e.target as HTMLElement;
        if (!target.closest("#picker") && !target.closest("[data-act=react]")) this.closePicker();
        if (!target.closest(".line.open")) this.#closeToolbars();
      },
      { signal },
    );
  }

  get pickerOpen(): boolean {
    return !$("picker").hidden;
  }

  /** Closes the picker; when it had the focus, the focus goes back to the React button it came from. */
  closePicker(): void {
    const picker = $("picker");
    if (picker.hidden) return;
    const hadFocus = picker.contains(document.activeElement);
    picker.hidden = true;
    picker.replaceChildren();
    const opener = this.#opener;
    this.#opener = null;
    if (!hadFocus) return;
    if (opener?.isConnected) opener.focus();
    else this.#lines.querySelector<HTMLElement>(`li.line[data-id="${picker.dataset.id}"]`)?.focus();
  }

  /** A message changed under an open picker (edited, deleted, reacted to): the picker closes. */
  closePickerFor(id: number): void {
    if (this.pickerOpen && $("picker").dataset.id === String(id)) this.closePicker();
  }

  #onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const gapButton = target.closest(".line.gap button");
    if (gapButton) {
      const gap = this.#host.lineOf(gapButton);
      if (gap?.kind === "gap") this.#host.fillGap(gap);
      return;
    }
    const button = target.closest<HTMLElement>("[data-act]");
    if (!button) return;
    const line = this.#host.lineOf(button);
    if (line?.kind !== "message") return;
    switch (button.dataset.act) {
      case "reply":
        this.#host.reply(line);
        break;
      case "edit":
        this.#host.edit(line);
        break;
      case "delete":
        this.#confirmDelete(button, line);
        break;
      case "react":
        this.#openPicker(button, line);
        break;
      case "toggle":
        if (button.dataset.emoji) this.#react(line, button.dataset.emoji);
        break;
      case "quote":
        this.#host.scrollToMessage(Number(button.dataset.target));
        break;
    }
  }

  #react(line: MessageLine, emoji: string): void {
    this.#host.act({ type: ClientType.react, payload: { id: line.id, emoji, clientId: newClientId() } });
    this.closePicker();
  }

  #confirmDelete(button: HTMLElement, line: MessageLine): void {
    if (button.dataset.confirm === "1") {
      this.#host.act({ type: ClientType.delete, payload: { id: line.id, clientId: newClientId() } });
      return;
    }
    button.dataset.confirm = "1";
    button.textContent = "Delete?";
    button.setAttribute("aria-label", "Click again to delete this message");
    setTimeout(() => {
      if (!button.isConnected) return;
      delete button.dataset.confirm;
      button.textContent = "🗑";
      button.setAttribute("aria-label", "Delete");
    }, CONFIRM_MS);
  }

  #openPicker(button: HTMLElement, line: MessageLine): void {
    const picker = $("picker");
    if (!picker.hidden && picker.dataset.id === String(line.id)) {
      this.closePicker();
      return;
    }
    this.closePicker();
    const present = Object.keys(line.reactions).filter((e) => !COMMON_EMOJI.includes(e));
    const cells = [...COMMON_EMOJI, ...present].map((emoji) => {
      const b = el("button", "pick-emoji", emoji);
      b.setAttribute("type", "button");
      b.setAttribute("aria-label", `React with ${emoji}`);
      b.addEventListener("click", () => this.#react(line, emoji));
      return b;
    });
    picker.replaceChildren(el("legend", "sr-only", "Pick a reaction, with the arrow keys"), ...cells);
    this.#opener = button;
    picker.dataset.id = String(line.id);
    picker.hidden = false;
    // Below the button, inside the log's scrolling box, kept within its width; above it
    // when the log has no room below, as for the newest messages just over the composer.
    const box = this.#log.getBoundingClientRect();
    const at = button.getBoundingClientRect();
    const width = picker.offsetWidth;
    const height = picker.offsetHeight;
    const below = at.bottom + 4 + height <= box.bottom;
    const top = below ? at.bottom + 4 : Math.max(box.top, at.top - 4 - height);
    picker.style.top = `${top - box.top + this.#log.scrollTop}px`;
    picker.style.left = `${Math.max(8, Math.min(at.right - box.left - width, box.width - width - 8))}px`;
    const first = cells[0];
    if (first) focusCell(cells, first);
  }

  #closeToolbars(): void {
    for (const open of this.#lines.querySelectorAll(".line.open")) open.classList.remove("open");
  }

  /** A touch resting on a message opens its actions, as hovering does with a mouse. */
  #longPress(e: PointerEvent): void {
    if (e.pointerType !== "touch") return;
    const li = (e.target as HTMLElement).closest<HTMLElement>(".line.message");
    if (!li || li.classList.contains("deleted")) return;
    const timer = setTimeout(() => {
      this.#closeToolbars();
      li.classList.add("open");
    }, LONG_PRESS_MS);
    const cancel = () => clearTimeout(timer);
    li.addEventListener("pointerup", cancel, { once: true });
    li.addEventListener("pointercancel", cancel, { once: true });
    li.addEventListener("pointermove", cancel, { once: true });
  }
}
