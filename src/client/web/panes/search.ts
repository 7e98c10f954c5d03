import { snippetParts } from "../../../protocol";
import { dayLabel, fullDate, localTime } from "../../core/dates";
import { nextPages, type RoomHit, type RoomsFound, type SearchFetch, searchRooms } from "../../core/search-rooms";
import { $, el } from "../dom";
import { foundText, type SearchScope } from "../search-words";

/** Results asked for at a time, from each room. */
const SEARCH_PAGE = 20;

/** What the search needs from the page. */
export interface SearchHost {
  /** The room in view, which "This room" searches; null when none is (a conversation, a stranger chat). */
  room(): string | null;
  /** The joined rooms, which "All my rooms" searches. */
  rooms(): readonly string[];
  /** A result was chosen: show the message `id` of `room`. */
  open(room: string, id: number): void;
}

/** A search as asked: its words, where, and where its next page starts in each room. */
interface Asked {
  words: string;
  scope: SearchScope;
  next: { rooms: string[]; before: Map<string, number> } | null;
  shown: RoomHit[];
}

const answer: SearchFetch = async (path) => {
  const res = await fetch(path);
  return { status: res.status, body: res.ok ? await res.json().catch(() => null) : null };
};

/**
 * v1.9: the search box at the top of the side panel, and its results over the log.
 * Enter searches the room in view or all joined rooms; the results are a
 * list the arrow keys move through, and choosing one shows its message in
 * its room. Ctrl+K (⌘K) reaches the box from anywhere, Escape closes the
 * results and goes back to where the reader was. Snippets are drawn as
 * text, their matched words in `<mark>`: nothing a person wrote is parsed.
 */
export class SearchPane {
  readonly #form = $<HTMLFormElement>("search");
  readonly #box = $<HTMLInputElement>("search-box");
  readonly #panel = $("search-panel");
  readonly #state = $("search-state");
  readonly #list = $("search-results");
  readonly #more = $<HTMLButtonElement>("search-more");
  readonly #thisRoom = $<HTMLInputElement>("search-scope-room");
  readonly #allRooms = $<HTMLInputElement>("search-scope-all");
  /** Counts searches asked: an answer to an older one is dropped. */
  #asks = 0;
  #asked: Asked | null = null;
  /** The reader chose "All my rooms". */
  #everywhere = false;
  /** Where the focus was before it came to the box (by Ctrl+K, Tab or a click), to go back to on Escape. */
  #cameFrom: HTMLElement | null = null;

  constructor(private readonly host: SearchHost) {
    this.#form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.#search();
    });
    this.#box.addEventListener("input", () => {
      if (this.#box.value.trim() === "") this.close();
      else if (this.#panel.hidden && this.#asked === null) this.#open("Press Enter to search.");
    });
    for (const radio of this.#panel.querySelectorAll<HTMLInputElement>("input[name=search-scope]")) {
      radio.addEventListener("change", () => {
        this.#everywhere = radio.value === "all" && radio.checked;
        if (this.#box.value.trim() !== "") void this.#search();
      });
    }
    this.#more.addEventListener("click", () => void this.#loadMore());
    this.#list.addEventListener("click", (e) => {
      const option = (e.target as HTMLElement).closest<HTMLElement>("[role=option]");
      if (option) this.#choose(option);
    });
    this.#form.addEventListener("focusin", (e) => {
      const from = e.relatedTarget;
      if (from instanceof HTMLElement && !this.#form.contains(from) && !this.#panel.contains(from)) {
        this.#cameFrom = from;
      }
    });
    this.#form.addEventListener("keydown", (e) => this.#onBoxKey(e));
    this.#panel.addEventListener("keydown", (e) => this.#onPanelKey(e));
    document.addEventListener("keydown", (e) => {
      if (e.key.toLowerCase() !== "k" || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      if ($("chat").hidden || this.#form.getClientRects().length === 0) return;
      e.preventDefault();
      this.focus();
    });
    // Before anything else hears it: Escape closing the results must not also close the drawer they are in.
    window.addEventListener("keydown", (e) => this.#onEscape(e), { capture: true });
    document.addEventListener("pointerdown", (e) => {
      const target = e.target as HTMLElement;
      // The phone's "Rooms" button opens the drawer the results are in: it leaves them be.
      if (this.#panel.hidden || target.closest("#search, #search-panel, #rooms-toggle")) return;
      this.close();
    });
  }

  /** Puts the cursor in the box (where it came from is remembered as it arrives). */
  focus(): void {
    this.#box.focus();
    this.#box.select();
  }

  /** Another room or screen came into view: "This room" follows it, and old results go. */
  viewChanged(): void {
    const room = this.host.room();
    this.#thisRoom.disabled = room === null;
    // Out of a room (a conversation) only "All my rooms" can be searched; back in one, the reader's choice holds.
    this.#allRooms.checked = room === null || this.#everywhere;
    this.#thisRoom.checked = !this.#allRooms.checked;
    if (room !== null && this.#asked && "room" in this.#asked.scope && this.#asked.scope.room !== room) this.close();
  }

  close(): void {
    this.#panel.hidden = true;
  }

  #open(state: string): void {
    this.#panel.hidden = false;
    this.#state.textContent = state;
  }

  async #search(): Promise<void> {
    const words = this.#box.value.trim();
    if (words === "") return;
    const room = this.host.room();
    const everywhere = room === null || this.#everywhere;
    const rooms = everywhere ? [...this.host.rooms()] : [room];
    const scope: SearchScope = everywhere ? { rooms: rooms.length } : { room };
    const asked: Asked = { words, scope, next: null, shown: [] };
    this.#asked = asked;
    this.#list.replaceChildren();
    this.#more.hidden = true;
    this.#open("Searching…");
    this.#panel.setAttribute("aria-busy", "true");
    await this.#fetch(asked, rooms, new Map());
  }

  async #loadMore(): Promise<void> {
    const asked = this.#asked;
    if (!asked?.next) return;
    this.#more.disabled = true;
    this.#more.textContent = "Loading…";
    const had = this.#list.children.length;
    const focused = document.activeElement === this.#more;
    await this.#fetch(asked, asked.next.rooms, asked.next.before);
    // The button moved below what came: the keyboard goes on from the first of it.
    if (focused) this.#select(this.#options()[had]);
  }

  async #fetch(asked: Asked, rooms: string[], before: Map<string, number>): Promise<void> {
    const mine = ++this.#asks;
    let found: RoomsFound;
    try {
      found = await searchRooms(answer, rooms, asked.words, SEARCH_PAGE, before);
    } finally {
      if (mine === this.#asks) this.#panel.removeAttribute("aria-busy");
    }
    if (mine !== this.#asks || this.#asked !== asked) return;
    asked.shown.push(...found.results);
    asked.next = found.hasMore ? nextPages(found, before) : null;
    this.#state.textContent = foundText(found, asked.words, asked.scope, asked.shown.length);
    const first = this.#list.children.length === 0;
    this.#list.append(...found.results.map((hit) => this.#option(hit, "rooms" in asked.scope)));
    if (first) this.#list.firstElementChild?.setAttribute("tabindex", "0");
    this.#more.hidden = asked.next === null;
    this.#more.disabled = false;
    this.#more.textContent = "More results";
  }

  #option(hit: RoomHit, withRoom: boolean): HTMLElement {
    const li = el("div", "search-hit");
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.tabIndex = -1;
    li.dataset.room = hit.room;
    li.dataset.id = String(hit.id);
    const head = el("div", "search-head");
    if (withRoom) head.append(el("span", "search-room", `#${hit.room}`));
    head.append(el("span", "who", hit.username));
    const time = el("time", "", `${dayLabel(hit.ts)} ${localTime(hit.ts)}`);
    time.setAttribute("datetime", new Date(hit.ts).toISOString());
    time.title = fullDate(hit.ts);
    head.append(time);
    const snippet = el("div", "search-snippet");
    snippet.append(...snippetParts(hit.snippet).map((part) => (part.hit ? el("mark", "", part.text) : part.text)));
    li.append(head, snippet);
    return li;
  }

  #choose(option: HTMLElement): void {
    const { room, id } = option.dataset;
    if (!room || !id) return;
    this.close();
    this.#cameFrom = null;
    this.host.open(room, Number(id));
  }

  #options(): HTMLElement[] {
    return [...this.#list.querySelectorAll<HTMLElement>("[role=option]")];
  }

  #select(option: HTMLElement | undefined): void {
    if (!option) return;
    for (const other of this.#options()) {
      const selected = other === option;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
    }
    option.focus();
    option.scrollIntoView({ block: "nearest" });
  }

  /**
   * Escape closes the results, the focus going to the box when it was in
   * them (or lost); from the box with nothing open, it goes back to where the
   * reader was before, and the phone's drawer closes as Escape closes it.
   */
  #onEscape(e: KeyboardEvent): void {
    if (e.key !== "Escape") return;
    const active = document.activeElement;
    const inBox = active === this.#box;
    if (!this.#panel.hidden && this.#panel.getClientRects().length > 0) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      const lost = active === null || active === document.body || this.#panel.contains(active);
      if (lost || inBox) this.#box.focus();
      return;
    }
    if (!inBox) return;
    this.close();
    const back = this.#cameFrom;
    this.#cameFrom = null;
    if (back?.isConnected && back.getClientRects().length > 0) back.focus();
    else $("input").focus();
  }

  #onBoxKey(e: KeyboardEvent): void {
    if (e.key === "ArrowDown" && this.#list.children.length > 0) {
      e.preventDefault();
      this.#panel.hidden = false;
      this.#select(this.#options()[0]);
    }
  }

  #onPanelKey(e: KeyboardEvent): void {
    const options = this.#options();
    const at = options.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    let next: HTMLElement | undefined;
    switch (e.key) {
      case "ArrowDown":
        next = options[at + 1] ?? (this.#more.hidden ? undefined : this.#more);
        break;
      case "ArrowUp":
        if (at === 0) {
          e.preventDefault();
          this.#box.focus();
          return;
        }
        next = options[at - 1];
        break;
      case "Home":
        next = options[0];
        break;
      case "End":
        next = options.at(-1);
        break;
      case "Enter":
      case " ": {
        e.preventDefault();
        const option = options[at];
        if (option) this.#choose(option);
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    if (next === this.#more) this.#more.focus();
    else this.#select(next);
  }
}
