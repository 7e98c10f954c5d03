import type { ConnectionStatus } from "../../core/connection";
import { TypingNames, typingText } from "../../core/typing";
import { $ } from "../dom";
import { ConnectionState, Notice } from "../status";

/**
 * The lines that say what is going on around the log: the notice (what just
 * went wrong), the connection's banner and badge, and who is typing.
 */
export class NoticesPane {
  readonly #notice = new Notice($("notice"));
  readonly #connection = new ConnectionState();
  readonly #typing = new TypingNames();
  #typingTimer: ReturnType<typeof setTimeout> | undefined;

  /** `typingShown`: whether the conversation on screen is the room, where typing notices belong. */
  constructor(private readonly typingShown: () => boolean) {
    $("typing").textContent = "";
    this.say("");
  }

  /** A notice stays until replaced, for `clearAfterMs` if given, or while something waits to be sent. */
  say(text: string, clearAfterMs?: number, aboutSending = false): void {
    this.#notice.set(text, clearAfterMs, aboutSending);
  }

  /** Good news (a claim went through), for `clearAfterMs`. */
  tell(text: string, clearAfterMs: number): void {
    this.#notice.set(text, clearAfterMs, false, true);
  }

  get aboutSending(): boolean {
    return this.#notice.aboutSending;
  }

  connection(status: ConnectionStatus, attempt: number): void {
    this.#connection.show(status, attempt);
  }

  typingSeen(name: string): void {
    this.#typing.seen(name, Date.now());
    this.drawTyping();
  }

  /** Someone stopped typing (sent a message, left). */
  typingStopped(name: string): void {
    if (this.#typing.stopped(name)) this.drawTyping();
  }

  /** Another conversation is shown: nobody is typing in it yet. */
  typingCleared(): void {
    this.#typing.clear();
    this.drawTyping();
  }

  drawTyping(): void {
    clearTimeout(this.#typingTimer);
    const now = Date.now();
    const names = this.typingShown() ? this.#typing.names(now) : [];
    $("typing").textContent = typingText(names);
    const next = this.#typing.nextChange();
    if (next !== null) this.#typingTimer = setTimeout(() => this.drawTyping(), Math.max(50, next - now));
  }

  close(): void {
    clearTimeout(this.#typingTimer);
  }
}
