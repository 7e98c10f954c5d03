import { checkUsername, type HomeConversation, nameKey } from "../../../protocol";
import type { Badge } from "../../core/unread";
import { $, el } from "../dom";

export interface SideHost {
  /** A joined room was picked. */
  room(room: string): void;
  /** A conversation was picked, or a name typed for a new one: says why not, or opens it. */
  talk(name: string): Promise<string | null>;
}

/** What is on screen: a room, a conversation, or neither. */
export type Shown = { room: string } | { talk: string } | null;

/**
 * The side panel (v1.9): the rooms kept joined, each with its unread count
 * and a mark when something names you, and, signed in, the conversations
 * with people. On a phone it is a drawer, opened from the header's "Rooms".
 */
export class SidePanel {
  constructor(private readonly host: SideHost) {
    $("rooms-toggle").addEventListener("click", () => this.#drawer(!this.open));
    $("joined-list").addEventListener("click", (e) => {
      const link = (e.target as HTMLElement).closest<HTMLAnchorElement>("a[data-room]");
      if (!link?.dataset.room || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      this.#drawer(false);
      host.room(link.dataset.room);
    });
    $("talk-list").addEventListener("click", (e) => {
      const link = (e.target as HTMLElement).closest<HTMLAnchorElement>("a[data-talk]");
      if (!link?.dataset.talk || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      this.#drawer(false);
      void host.talk(link.dataset.talk);
    });
    $("talk-new").addEventListener("click", () => {
      const form = $("talk-form");
      form.hidden = !form.hidden;
      if (!form.hidden) $("talk-name").focus();
    });
    $("talk-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.#newTalk();
    });
    document.addEventListener("pointerdown", (e) => {
      const target = e.target as HTMLElement;
      if (this.open && !target.closest("#side") && !target.closest("#rooms-toggle")) this.#drawer(false);
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.open) this.#drawer(false);
    });
  }

  /** On a phone, closes the drawer (a search result chosen in it). */
  close(): void {
    this.#drawer(false);
  }

  get open(): boolean {
    return document.body.classList.contains("show-rooms");
  }

  render(
    rooms: readonly string[],
    badge: (room: string) => Badge,
    talks: HomeConversation[] | null,
    shown: Shown,
  ): void {
    let waiting = 0;
    $("joined-list").replaceChildren(
      ...rooms.map((room) => {
        const current = shown !== null && "room" in shown && shown.room === room;
        const { unread, mentioned } = badge(room);
        waiting += unread;
        return item(`#${room}`, `/r/${room}`, { room }, current, unread, mentioned);
      }),
    );
    $("joined-empty").hidden = rooms.length > 0;
    $("talks").hidden = talks === null;
    $("talk-list").replaceChildren(
      ...(talks ?? []).map((c) => {
        const current = shown !== null && "talk" in shown && nameKey(shown.talk) === nameKey(c.with);
        const unread = current ? 0 : c.unread;
        waiting += unread;
        return item(c.with, `/dm/${encodeURIComponent(c.with)}`, { talk: c.with }, current, unread, false);
      }),
    );
    const dot = $("rooms-unread");
    dot.hidden = waiting === 0;
    dot.textContent = String(waiting);
  }

  /** Says something about the list: a room that let this person go, a twenty-first room refused. */
  say(text: string): void {
    $("joined-note").textContent = text;
  }

  async #newTalk(): Promise<void> {
    const input = $<HTMLInputElement>("talk-name");
    const typed = input.value.trim();
    const check = checkUsername(typed);
    const refusal = check.ok ? await this.host.talk(check.username) : `“${typed}” is no one's name: ${check.reason}.`;
    $("talk-error").textContent = refusal ?? "";
    if (refusal !== null) {
      input.focus();
      return;
    }
    input.value = "";
    $("talk-form").hidden = true;
    this.#drawer(false);
  }

  #drawer(open: boolean): void {
    document.body.classList.toggle("show-rooms", open);
    $("rooms-toggle").setAttribute("aria-expanded", String(open));
  }
}

function item(
  label: string,
  href: string,
  data: { room: string } | { talk: string },
  current: boolean,
  unread: number,
  mentioned: boolean,
): HTMLElement {
  const li = el("li", "");
  const a = el("a", `joined${current ? " current" : ""}`) as HTMLAnchorElement;
  a.href = href;
  if ("room" in data) a.dataset.room = data.room;
  else a.dataset.talk = data.talk;
  if (current) a.setAttribute("aria-current", "page");
  // A long name is cut short to fit the panel: pointing at it shows all of it.
  a.title = label;
  a.append(el("span", "joined-name", label));
  if (mentioned) {
    const mark = el("span", "mention-mark", "@");
    mark.setAttribute("aria-label", "mentions you");
    mark.title = "Something here names you";
    a.append(mark);
  }
  if (unread > 0) {
    const badge = el("span", "unread", String(unread));
    badge.setAttribute("aria-label", `${unread} unread`);
    a.append(badge);
  }
  li.append(a);
  return li;
}
