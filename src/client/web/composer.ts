import { mentionAt, suggestions, typedInFull } from "../core/completion";
import { plainText } from "../core/markdown";
import type { MessageLine } from "../core/model";
import { el } from "./dom";

/** What the composer is writing: a new message, a reply, or a change to one of the reader's own. */
export type ComposeMode = { kind: "new" } | { kind: "reply"; line: MessageLine } | { kind: "edit"; line: MessageLine };

export interface ComposerHost {
  maxLength(): number;
  /** Names to complete after `@`: the people here, the reader aside. */
  people(): string[];
  /** The reader's newest message that can be edited. */
  lastOwn(): MessageLine | null;
  /** Sends what was typed; true when it was taken (the composer then empties). */
  submit(text: string, mode: ComposeMode): boolean;
  /** A keystroke in a room message (not a command): the room may be told they are typing. */
  typing(): void;
  /** Says why the text was not sent. */
  refuse(reason: string): void;
  /** v1.10: files wait to go with the next message, which may then have no text. */
  hasFiles?(): boolean;
}

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9;

/**
 * The message box: a text area where Enter sends and Shift+Enter starts a
 * new line, a counter near the length limit (longer text is refused with the
 * reason, never cut), `@` name completion, reply and edit modes, and ↑ in an
 * empty box to edit the last message.
 */
export class Composer {
  readonly #input: HTMLTextAreaElement;
  readonly #counter: HTMLElement;
  readonly #mode: HTMLElement;
  readonly #list: HTMLElement;
  #state: ComposeMode = { kind: "new" };
  /** The draft put aside while editing, given back when the edit ends. */
  #draft = "";
  #options: string[] = [];
  #active = 0;

  constructor(
    private readonly host: ComposerHost,
    signal: AbortSignal,
  ) {
    this.#input = document.getElementById("input") as HTMLTextAreaElement;
    this.#counter = document.getElementById("counter") as HTMLElement;
    this.#mode = document.getElementById("compose-mode") as HTMLElement;
    this.#list = document.getElementById("complete") as HTMLElement;
    this.#input.value = "";
    this.#setMode({ kind: "new" });
    this.#closeList();
    this.#update();
    this.#input.addEventListener("keydown", (e) => this.#keydown(e), { signal });
    this.#input.addEventListener("input", () => this.#changed(), { signal });
    this.#input.addEventListener("click", () => this.#complete(), { signal });
    this.#input.addEventListener("blur", () => setTimeout(() => this.#closeList(), 150), { signal });
    this.#list.addEventListener(
      "mousedown",
      (e) => {
        // Keep the focus in the text area; the click picks the name.
        e.preventDefault();
        const option = (e.target as HTMLElement).closest<HTMLElement>("[data-name]");
        if (option?.dataset.name) this.#accept(option.dataset.name);
      },
      { signal },
    );
    this.#mode.addEventListener(
      "click",
      (e) => {
        if ((e.target as HTMLElement).closest(".cancel")) this.cancel();
      },
      { signal },
    );
  }

  get mode(): ComposeMode {
    return this.#state;
  }

  get text(): string {
    return this.#input.value;
  }

  focus(): void {
    this.#input.focus();
  }

  /** Types `text` at the caret, as if typed here (a letter typed in the log lands here); false when closed. */
  type(text: string): boolean {
    const input = this.#input;
    if (input.disabled) return false;
    input.focus();
    input.setRangeText(text, input.selectionStart, input.selectionEnd, "end");
    this.#changed();
    return true;
  }

  setEnabled(enabled: boolean, placeholder?: string): void {
    this.#input.disabled = !enabled;
    const send = document.getElementById("send") as HTMLButtonElement | null;
    if (send) send.disabled = !enabled;
    if (placeholder !== undefined) this.#input.placeholder = placeholder;
  }

  reply(line: MessageLine): void {
    if (this.#state.kind === "edit") this.#input.value = this.#draft;
    this.#setMode({ kind: "reply", line });
    this.#input.focus();
  }

  edit(line: MessageLine): void {
    if (this.#state.kind !== "edit") this.#draft = this.#input.value;
    this.#setMode({ kind: "edit", line });
    this.#input.value = line.text;
    this.#update();
    this.#input.focus();
    this.#input.setSelectionRange(line.text.length, line.text.length);
  }

  /** Leaves reply or edit mode; an edit gives the draft back. */
  cancel(): void {
    if (this.#state.kind === "edit") this.#input.value = this.#draft;
    this.#draft = "";
    this.#setMode({ kind: "new" });
    this.#update();
    this.#input.focus();
  }

  /** A message being replied to or edited is gone: leave that mode. */
  forget(id: number): void {
    if (this.#state.kind !== "new" && this.#state.line.id === id) this.cancel();
  }

  /** Tries to send; keeps the text when refused. */
  send(): void {
    const text = this.#input.value;
    if (text.trim() === "" && (this.#state.kind === "edit" || !this.host.hasFiles?.())) return;
    const max = this.host.maxLength();
    if (text.length > max) {
      this.host.refuse(
        `Not sent: this message is ${text.length.toLocaleString()} characters and the limit is ${max.toLocaleString()}. Shorten it to send.`,
      );
      return;
    }
    if (!this.host.submit(text, this.#state)) return;
    const wasEdit = this.#state.kind === "edit";
    this.#input.value = wasEdit ? this.#draft : "";
    this.#draft = "";
    this.#setMode({ kind: "new" });
    this.#update();
  }

  #keydown(e: KeyboardEvent): void {
    if (this.#options.length > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        this.#active = (this.#active + step + this.#options.length) % this.#options.length;
        this.#drawList();
        return;
      }
      const at = mentionAt(this.#input.value, this.#input.selectionStart ?? 0);
      if (e.key === "Enter" && at && typedInFull(this.#options, at.prefix)) this.#closeList();
      else if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        const name = this.#options[this.#active];
        if (name) this.#accept(name);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        this.#closeList();
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
      return;
    }
    if (e.key === "Escape" && this.#state.kind !== "new") {
      e.preventDefault();
      this.cancel();
      return;
    }
    if (e.key === "ArrowUp" && this.#input.value === "" && this.#state.kind === "new") {
      const last = this.host.lastOwn();
      if (last) {
        e.preventDefault();
        this.edit(last);
      }
    }
  }

  #changed(): void {
    this.#update();
    this.#complete();
    const text = this.#input.value;
    if (text.trim() !== "" && !text.startsWith("/") && this.#state.kind !== "edit") this.host.typing();
  }

  /** Grows the box with its text and shows the counter near the limit. */
  #update(): void {
    const input = this.#input;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 200)}px`;
    const max = this.host.maxLength();
    const length = input.value.length;
    const over = length > max;
    this.#counter.hidden = length < max * COUNTER_FROM;
    this.#counter.classList.toggle("over", over);
    this.#counter.textContent = over
      ? `${(length - max).toLocaleString()} over the limit of ${max.toLocaleString()}`
      : `${length.toLocaleString()} / ${max.toLocaleString()}`;
    input.setAttribute("aria-invalid", String(over));
  }

  #setMode(mode: ComposeMode): void {
    this.#state = mode;
    this.#mode.hidden = mode.kind === "new";
    this.#mode.replaceChildren();
    if (mode.kind === "new") return;
    const label =
      mode.kind === "reply" ? `Replying to ${mode.line.username}: ` : "Editing your message — Esc to cancel: ";
    const cancel = el("button", "cancel", "×");
    cancel.setAttribute("type", "button");
    cancel.setAttribute("aria-label", mode.kind === "reply" ? "Cancel the reply" : "Cancel the edit");
    this.#mode.dataset.kind = mode.kind;
    this.#mode.append(el("span", "what", label), el("span", "quoted", plainText(mode.line.text, 80)), cancel);
  }

  /**
   * The people here changed: a name being completed is offered again from
   * the new list. The list can arrive after someone started typing `@` (it is
   * asked for when the room says welcome), and an offer made from the
   * empty list would otherwise stay empty until the next key.
   */
  peopleChanged(): void {
    if (document.activeElement === this.#input) this.#complete();
  }

  #complete(): void {
    const at = mentionAt(this.#input.value, this.#input.selectionStart ?? 0);
    const options = at ? suggestions(this.host.people(), at.prefix) : [];
    if (options.length === 0) {
      this.#closeList();
      return;
    }
    const same = options.join("\n") === this.#options.join("\n");
    this.#options = options;
    if (!same) this.#active = 0;
    this.#drawList();
  }

  #drawList(): void {
    this.#list.replaceChildren(
      ...this.#options.map((name, i) => {
        const li = el("div", i === this.#active ? "option active" : "option", `@${name}`);
        li.id = `complete-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === this.#active));
        li.dataset.name = name;
        return li;
      }),
    );
    this.#list.hidden = false;
    this.#input.setAttribute("aria-activedescendant", `complete-${this.#active}`);
  }

  #closeList(): void {
    this.#options = [];
    this.#list.hidden = true;
    this.#list.replaceChildren();
    this.#input.removeAttribute("aria-activedescendant");
  }

  #accept(name: string): void {
    const caret = this.#input.selectionStart ?? 0;
    const at = mentionAt(this.#input.value, caret);
    if (!at) return;
    const value = this.#input.value;
    const insert = `@${name} `;
    this.#input.value = value.slice(0, at.start) + insert + value.slice(caret);
    const to = at.start + insert.length;
    this.#input.setSelectionRange(to, to);
    this.#closeList();
    this.#update();
  }
}
