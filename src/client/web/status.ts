import { ErrorCode } from "../../protocol";
import type { ConnectionStatus } from "../core/connection";
import { $ } from "./dom";
import { wholeSeconds } from "./wait";

/** What to tell the person about an `error` frame: a rate limit as the wait, anything else as the room said it. */
export function errorText(code: string, message: string, retryAfterMs?: number): string {
  return code === ErrorCode.rateLimited && retryAfterMs !== undefined
    ? `Slow down: you can send again in ${wholeSeconds(retryAfterMs)} s.`
    : message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * The line under the log that says what just went wrong. A notice may clear
 * itself after a while; one about sending stays until everything waiting has
 * gone out, which the view checks with `aboutSending`.
 */
export class Notice {
  readonly #element: HTMLElement;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #aboutSending = false;

  constructor(element: HTMLElement) {
    this.#element = element;
  }

  get aboutSending(): boolean {
    return this.#aboutSending;
  }

  /** `good`: news that something worked, drawn as such rather than as a problem. */
  set(text: string, clearAfterMs?: number, aboutSending = false, good = false): void {
    clearTimeout(this.#timer);
    this.#element.classList.toggle("good", good);
    this.#aboutSending = aboutSending && text !== "";
    this.#element.textContent = text;
    if (clearAfterMs) {
      this.#timer = setTimeout(() => {
        this.#element.textContent = "";
        this.#aboutSending = false;
      }, clearAfterMs);
    }
  }
}

const LABELS: Record<ConnectionStatus, string> = {
  connecting: "connecting…",
  open: "connected",
  reconnecting: "reconnecting…",
  closed: "disconnected",
};

/**
 * How the page shows the connection: the banner while it is lost (once it
 * had been open), the badge, and the people list marked as last known. The
 * badge is a live region, so it changes with the state, not with every try.
 */
export class ConnectionState {
  #shown: ConnectionStatus | null = null;
  #everOpen = false;

  show(status: ConnectionStatus, attempt: number): void {
    if (status === "open") this.#everOpen = true;
    const lost = status === "reconnecting" || (status === "closed" && this.#everOpen);
    $("banner").hidden = !lost;
    if (lost) {
      const tries = attempt > 1 ? ` (try ${attempt})` : "";
      $("banner-text").textContent =
        `Connection lost — reconnecting${tries}… What you write is kept and sent once it is back.`;
    }
    $("users").classList.toggle("stale", status !== "open");
    $("users-heading").textContent = status === "open" ? "Here now" : "Last known";
    if (status === this.#shown) return;
    this.#shown = status;
    const badge = $("status");
    badge.dataset.state = status;
    badge.textContent = LABELS[status];
  }
}
