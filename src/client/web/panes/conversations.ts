import { Conversations } from "../../core/conversations";
import { $ } from "../dom";
import { renderConversations } from "../render";

/**
 * Which conversation is on screen (the room, or the DMs with one person), the
 * list of conversations with what is unread in each, and the heading that
 * names the one shown.
 */
export class ConversationsPane {
  readonly list = new Conversations();

  /**
   * `room`: the room's name; `stranger`: in stranger mode, who the conversation is with.
   * `pick` is called with the conversation chosen from the list (null: the room).
   */
  constructor(
    private readonly room: string,
    private readonly stranger: string | null,
    pick: (partner: string | null) => void,
    signal: AbortSignal,
    /** v1.9: the account a conversation between people is with. */
    private readonly talk: string | null = null,
  ) {
    $("convo-back").addEventListener("click", () => pick(null), { signal });
    $("convo-list").addEventListener(
      "click",
      (e) => {
        const chosen = (e.target as HTMLElement).closest<HTMLElement>("[data-convo]");
        if (chosen) pick(chosen.dataset.convo ? chosen.dataset.convo : null);
      },
      { signal },
    );
  }

  get current(): string | null {
    return this.list.current;
  }

  /** The heading, the way back to the room and the log's label for the conversation shown; returns the page title. */
  present(partner: string | null, ended: boolean): string {
    document.body.classList.toggle("in-dm", partner !== null);
    const title = this.stranger
      ? `Talking with ${this.stranger}`
      : (this.talk ?? (partner === null ? `#${this.room}` : partner));
    if (!ended) $("room-title").textContent = title;
    $("convo-back").hidden = partner === null;
    $("convo-back").textContent = `← #${this.room}`;
    $("lines-region").setAttribute("aria-label", partner === null ? "Messages" : `Private messages with ${partner}`);
    if (this.talk) return `${this.talk} (private) · Hallway`;
    return this.stranger
      ? "Stranger · Hallway"
      : partner === null
        ? `#${this.room} · Hallway`
        : `${partner} (private) · Hallway`;
  }

  /** What the composer invites, in the conversation shown. */
  placeholder(): string {
    if (this.stranger) return `Message ${this.stranger}`;
    if (this.talk) return `Message ${this.talk}`;
    return this.current !== null ? `Message ${this.current} privately` : `Message #${this.room}`;
  }

  render(): void {
    const waiting = renderConversations($("convo-list"), this.room, this.list);
    $("convos").hidden = this.list.size === 0;
    const dot = $("toggle-unread");
    dot.hidden = waiting === 0;
    dot.textContent = String(waiting);
  }
}
