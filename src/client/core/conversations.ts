import { nameKey } from "../../protocol";

/** A DM conversation and how much of it is unread. */
interface Conversation {
  partner: string;
  unread: number;
}

/**
 * Which conversation is shown (the room, or the DMs with one person) and
 * what is unread in the others. Names are compared by their key, as the
 * room compares them, so `Bob` and `bob` are one conversation. No DOM here
 * (`renderConversations` draws it), so the counting is checked in Node.
 */
export class Conversations {
  /** The conversation shown: null for the room, or the DM partner's name. */
  #current: string | null = null;
  readonly #dms = new Map<string, Conversation>();
  /** Room messages that arrived while a DM conversation was shown. */
  #roomUnread = 0;

  get current(): string | null {
    return this.#current;
  }

  /** Whether a line with this DM partner (null: a room line) belongs to the conversation shown. */
  isShown(partner: string | null): boolean {
    if (this.#current === null) return partner === null;
    return partner !== null && nameKey(partner) === nameKey(this.#current);
  }

  /** Makes sure a conversation with `partner` is listed; true when it was not yet. */
  add(partner: string): boolean {
    const key = nameKey(partner);
    if (this.#dms.has(key)) return false;
    this.#dms.set(key, { partner, unread: 0 });
    return true;
  }

  /** Shows the room (null) or the DMs with `partner`, which are then read; true when that is a change. */
  show(partner: string | null): boolean {
    const changed = !this.isShown(partner);
    this.#current = partner;
    if (partner === null) this.#roomUnread = 0;
    else this.#get(partner).unread = 0;
    return changed;
  }

  /**
   * Something from someone else arrived: in the DMs with `partner`, or in
   * the room (null). It is unread unless it is in the conversation shown on
   * a page that can be seen.
   */
  arrived(partner: string | null, pageHidden: boolean): void {
    if (partner !== null) {
      const convo = this.#get(partner);
      if (!this.isShown(partner) || pageHidden) convo.unread++;
    } else if (this.#current !== null) {
      this.#roomUnread++;
    }
  }

  /** The page is seen again: what arrived in the conversation shown has been read. */
  seen(): void {
    if (this.#current !== null) this.#get(this.#current).unread = 0;
  }

  /** Unread in the room (while a DM is shown) and in each DM conversation, in the order they began. */
  unread(): { room: number; dms: { partner: string; unread: number }[] } {
    return { room: this.#roomUnread, dms: [...this.#dms.values()].map((c) => ({ ...c })) };
  }

  get size(): number {
    return this.#dms.size;
  }

  #get(partner: string): Conversation {
    const key = nameKey(partner);
    let convo = this.#dms.get(key);
    if (!convo) {
      convo = { partner, unread: 0 };
      this.#dms.set(key, convo);
    }
    return convo;
  }
}
