import { titleWithUnread } from "./memory";

/**
 * Getting the reader's attention while they look elsewhere: the tab title
 * counts what arrived while the tab was hidden, and mentions and DMs can
 * raise a desktop notification. Permission for those is asked only when the
 * person clicks the button for it, never on load.
 */
export class Attention {
  #base = "Hallway";
  #unread = 0;

  constructor(signal: AbortSignal) {
    document.addEventListener(
      "visibilitychange",
      () => {
        if (!document.hidden) {
          this.#unread = 0;
          this.#draw();
        }
      },
      { signal },
    );
    const button = document.getElementById("notify");
    button?.addEventListener("click", () => void this.#ask(), { signal });
    this.#drawButton();
  }

  /** The title when nothing is unread. */
  set base(title: string) {
    this.#base = title;
    this.#draw();
  }

  /** Something someone else said arrived; `alert` when it names the reader or is a DM to them. */
  arrived(alert: { title: string; body: string } | null): void {
    if (!document.hidden) return;
    this.#unread++;
    this.#draw();
    if (alert && "Notification" in window && Notification.permission === "granted") {
      try {
        const note = new Notification(alert.title, { body: alert.body, tag: alert.title });
        note.addEventListener("click", () => {
          window.focus();
          note.close();
        });
      } catch {
        // Some browsers allow notifications only from a service worker; the title still counts.
      }
    }
  }

  async #ask(): Promise<void> {
    if (!("Notification" in window)) return;
    await Notification.requestPermission();
    this.#drawButton();
  }

  #drawButton(): void {
    const button = document.getElementById("notify");
    if (button) button.hidden = !("Notification" in window) || Notification.permission !== "default";
  }

  #draw(): void {
    document.title = titleWithUnread(this.#base, this.#unread);
  }
}
