import { $, el } from "../dom";

/** How many rooms the start screen offers. */
const SHOWN = 10;

interface Listed {
  room: string;
  topic: string | null;
  userCount: number;
}

function listed(body: unknown): Listed[] | null {
  if (typeof body !== "object" || body === null || !("rooms" in body) || !Array.isArray(body.rooms)) return null;
  return body.rooms.filter(
    (r): r is Listed =>
      typeof r === "object" &&
      r !== null &&
      typeof r.room === "string" &&
      typeof r.userCount === "number" &&
      (r.topic === null || typeof r.topic === "string"),
  );
}

/**
 * The start screen's directory (v1.9): the most active listed rooms, each with
 * how many are there and its topic, and a box that finds them by the start of
 * their name. A link is a room's own, so the start screen's click joins it.
 */
export class DirectoryPane {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts loads: an answer to an older query never replaces a newer one's. */
  #asked = 0;

  constructor() {
    $("directory-q").addEventListener("input", () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.load(), 250);
    });
  }

  async load(): Promise<void> {
    const q = $<HTMLInputElement>("directory-q").value.trim().toLowerCase();
    const mine = ++this.#asked;
    let rooms: Listed[] | null = null;
    try {
      const res = await fetch(`/api/rooms?limit=${SHOWN}${q ? `&q=${encodeURIComponent(q)}` : ""}`);
      rooms = res.ok ? listed(await res.json()) : res.status === 400 ? [] : null;
    } catch {
      rooms = null;
    }
    if (mine !== this.#asked) return;
    // Nothing listed anywhere: the section stays out of the way.
    if (q === "" && (rooms === null || rooms.length === 0)) {
      $("directory").hidden = true;
      return;
    }
    $("directory").hidden = false;
    $("directory-note").textContent =
      rooms === null
        ? "The list of rooms cannot be had just now."
        : rooms.length === 0
          ? `No listed room starts with “${q}”.`
          : "";
    $("directory-list").replaceChildren(
      ...(rooms ?? []).map(({ room, topic, userCount }) => {
        const li = el("li", "");
        const a = el("a", "recent-room", `#${room}`) as HTMLAnchorElement;
        a.href = `/r/${encodeURIComponent(room)}`;
        a.dataset.room = room;
        a.append(el("span", "here", ` · ${userCount} here`));
        li.append(a);
        if (topic) li.append(el("span", "directory-topic", topic));
        return li;
      }),
    );
  }
}
