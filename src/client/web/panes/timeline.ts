import { HISTORY_PAGE_MAX } from "../../../protocol";
import { landAround } from "../../core/around";
import { fetchAroundPage, fetchHistoryPage } from "../../core/history-pages";
import {
  type ChatModel,
  fillGap,
  findMessage,
  type GapLine,
  type Line,
  type MessageLine,
  oldestId,
  prependOlder,
} from "../../core/model";
import type { ActionFrame } from "../../core/queued-frames";
import { $ } from "../dom";
import { LogFocus } from "../log-focus";
import { lastRead, markRead, rememberRoom } from "../memory";
import { MessageActions } from "../message-actions";
import { MessageList } from "../message-list";
import { renderLine } from "../render";

/** Entries per "Load older" page. */
const OLDER_PAGE = 50;
/** How close to the top (in pixels) the reader scrolls before the next older page loads by itself. */
const PRELOAD_MARGIN = 600;
/** Entries in the page shown around a search result: half before it, half after. */
const AROUND_PAGE = 50;
/** Pages of 100 needed to close the largest gap the server's retention allows, and some spare. */
const MAX_GAP_PAGES = 20;

export interface TimelineHost {
  readonly model: ChatModel;
  readonly room: string;
  /** A stranger conversation keeps no read mark. */
  readonly stranger: boolean;
  /** v1.9: where older pages come from, when not the room's own history (a conversation's). */
  readonly history?: string;
  /** v1.9: a conversation's read mark is its account's: told here rather than kept in the browser. */
  readonly read?: ((id: number) => void) | undefined;
  /** The conversation shown: null for the room. */
  current(): string | null;
  /** The lines of the conversation shown. */
  visible(): Line[];
  say(text: string, clearAfterMs?: number): void;
  act(frame: ActionFrame): boolean;
  reply(line: MessageLine): void;
  edit(line: MessageLine): void;
  /** A letter typed in the log goes to the composer; false when it is closed. */
  type(text: string): boolean;
}

/**
 * The log: the lines of the conversation shown, the actions on each message,
 * scrolling (the "jump to the end" button, loading older pages, filling a
 * gap a resume left) and the room's read mark.
 */
export class TimelinePane {
  readonly #log = $("log");
  readonly #lines = $<HTMLOListElement>("lines");
  readonly #older = $<HTMLButtonElement>("older");
  readonly #jump = $<HTMLButtonElement>("jump");
  readonly #view: MessageList;
  readonly #focus: LogFocus;
  readonly actions: MessageActions;
  /** A page of older messages is on its way: never two at once. */
  #loadingOlder = false;
  /** The "Load older" button is within reach of the reader's scrolling. */
  #olderInReach = false;
  readonly #signal: AbortSignal;
  /** The read mark shown as the "New" line: the last id read when the reader last looked away. */
  #readUpTo: number | null = null;
  #historySeen = false;
  /** Gaps being filled: never twice at once. */
  readonly #filling = new Set<GapLine>();
  /** Loads newer entries by itself as a gap below a search result comes within reach. */
  #newerWatch: IntersectionObserver | null = null;

  constructor(
    private readonly host: TimelineHost,
    signal: AbortSignal,
  ) {
    this.#signal = signal;
    const { model } = host;
    this.#focus = new LogFocus(
      this.#lines,
      { olderWanted: () => void this.#loadOlder(), typed: (text) => host.type(text) },
      signal,
    );
    this.#view = new MessageList(
      this.#lines,
      (line) =>
        this.#focus.adopt(
          renderLine(line, { me: model.me, operator: model.operator, original: (id) => findMessage(model, id) }),
        ),
      (old, fresh, focused) => this.#focus.replaced(old, fresh, focused),
    );
    this.#lines.replaceChildren();
    this.#older.hidden = true;
    this.#older.disabled = false;
    this.#jump.hidden = true;
    this.actions = new MessageActions(
      this.#log,
      this.#lines,
      {
        lineOf: (element) => {
          const li = element.closest("li.line");
          return host.visible().find((l) => this.#view.shown(l) === li);
        },
        act: (frame) => host.act(frame),
        reply: (line) => host.reply(line),
        edit: (line) => host.edit(line),
        fillGap: (gap) => void this.#fillGap(gap, MAX_GAP_PAGES),
        scrollToMessage: (id) => this.#scrollToMessage(id),
      },
      signal,
    );
    this.#older.addEventListener("click", () => void this.#loadOlder(), { signal });
    this.#watchTop(signal);
    this.#watchNewer(signal);
    this.#jump.addEventListener("click", () => this.scrollToEnd(), { signal });
    this.#log.addEventListener(
      "scroll",
      () => {
        if (this.nearEnd()) {
          this.#jump.hidden = true;
          this.markRead();
        }
      },
      { signal },
    );
  }

  sync(): void {
    this.#view.sync(this.host.visible(), this.host.current() === null ? this.#readUpTo : null);
    this.#focus.settle();
    for (const line of this.host.model.lines) {
      const shown = line.kind === "gap" && line.newer ? this.#view.shown(line) : undefined;
      if (shown) this.#newerWatch?.observe(shown);
    }
  }

  /** Whether this visit has had its first replay: the log holds the room's newest entries. */
  get historySeen(): boolean {
    return this.#historySeen;
  }

  /**
   * v1.9: shows the message `id` (a search result), focused and lit up
   * briefly: where it is when loaded, else with the page around it, the way
   * to the newest kept by "Load newer" and the jump button.
   */
  async showMessage(id: number): Promise<void> {
    const line = findMessage(this.host.model, id);
    if (!line || !this.#view.shown(line)?.isConnected) {
      let landed = false;
      try {
        const page = await fetchAroundPage(this.host.room, id, AROUND_PAGE);
        if (this.#signal.aborted) return;
        landed = page.messages.some((m) => m.payload.id === id) && landAround(this.host.model, page, id);
      } catch {
        this.host.say("Could not load that message; try again.", 5000);
        return;
      }
      if (!landed) {
        this.host.say("That message is no longer in this room's history.", 5000);
        return;
      }
      this.sync();
      this.showOlder();
    }
    this.#scrollToMessage(id, "instant");
    if (!this.nearEnd()) this.#offerJump("Newest messages ↓");
  }

  /** The history was reset: every line is drawn afresh. */
  cleared(): void {
    this.#lines.replaceChildren();
  }

  /** The reader looked away: what was read up to now is where the "New" line goes when they come back. */
  lookedAway(): void {
    this.#readUpTo = this.host.model.lastId;
    this.sync();
  }

  /** The first replay of this visit: the "New" line goes after what was read on an earlier one. */
  historyArrived(): void {
    if (this.#historySeen) return;
    this.#historySeen = true;
    if (!this.host.stranger) this.#readUpTo = lastRead(localStorage, this.host.room);
  }

  /** Lines were added: follow them when the reader was at the end, or offer the jump. */
  added(stick: boolean): void {
    if (stick) this.scrollToEnd();
    else this.#offerJump("New messages ↓");
  }

  #offerJump(text: string): void {
    this.#jump.textContent = text;
    this.#jump.hidden = false;
  }

  /** "Load older" is offered in the room while the server has more. */
  showOlder(): void {
    this.#older.hidden = !this.host.model.hasOlder || this.host.current() !== null;
  }

  /** A message changed (edited, deleted, reactions): redraw it and the replies that quote it. */
  updated(line: MessageLine): void {
    this.#view.redraw(line);
    for (const other of this.host.model.lines) {
      if (other.kind === "message" && other.replyTo === line.id) this.#view.redraw(other);
    }
    this.actions.closePickerFor(line.id);
  }

  /** The reader's role changed: the delete buttons change with it. */
  redrawMessages(): void {
    for (const line of this.host.model.lines) if (line.kind === "message") this.#view.redraw(line);
  }

  /** Moves the room's read mark to the newest entry, when the reader can see it. */
  markRead(): void {
    const { model, room } = this.host;
    if (this.host.stranger || document.hidden || this.host.current() !== null || !this.#historySeen) return;
    if (!this.nearEnd()) return;
    if (this.host.read) {
      if (model.lastId > 0) this.host.read(model.lastId);
      return;
    }
    if (model.lastId > 0) markRead(localStorage, room, model.lastId);
    const newest = model.lines.at(-1);
    rememberRoom(localStorage, room, newest?.ts ?? 0);
  }

  nearEnd(): boolean {
    return this.#log.scrollHeight - this.#log.scrollTop - this.#log.clientHeight < 80;
  }

  scrollToEnd(): void {
    this.#log.scrollTop = this.#log.scrollHeight;
    this.#jump.hidden = true;
    this.markRead();
  }

  #scrollToMessage(id: number, behavior: ScrollBehavior = "smooth"): void {
    const line = findMessage(this.host.model, id);
    const element = line ? this.#view.shown(line) : undefined;
    if (!element?.isConnected) {
      this.host.say("That message is further back than what is loaded here.", 5000);
      return;
    }
    element.scrollIntoView({ block: "center", behavior });
    element.classList.remove("flash");
    void element.offsetWidth;
    element.classList.add("flash");
    element.tabIndex = -1;
    element.focus({ preventScroll: true });
  }

  /**
   * Infinite scroll: the "Load older" button doubles as the sentinel. When the
   * reader scrolls within reach of it the next page loads by itself; the button
   * stays for keyboards, and for browsers without the observer.
   */
  #watchTop(signal: AbortSignal): void {
    if (typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        this.#olderInReach = entries.some((e) => e.isIntersecting);
        if (this.#olderInReach) void this.#loadOlder();
      },
      { root: this.#log, rootMargin: `${PRELOAD_MARGIN}px 0px 0px 0px` },
    );
    observer.observe(this.#older);
    signal.addEventListener("abort", () => observer.disconnect());
  }

  async #loadOlder(): Promise<void> {
    const before = oldestId(this.host.model);
    if (before === null || this.#loadingOlder || this.#older.hidden) return;
    this.#loadingOlder = true;
    this.#older.disabled = true;
    let loaded = false;
    try {
      const page = await fetchHistoryPage(this.host.room, this.host.history, { before, limit: OLDER_PAGE });
      // The visit ended while the page was on its way: the log is another visit's now.
      if (this.#signal.aborted) return;
      prependOlder(this.host.model, page.messages, page.hasMore);
      // Keep the reader's place: what they were looking at stays where it was.
      const fromBottom = this.#log.scrollHeight - this.#log.scrollTop;
      this.sync();
      this.#log.scrollTop = this.#log.scrollHeight - fromBottom;
      loaded = true;
    } catch {
      this.host.say("Could not load older messages; try again.");
    } finally {
      this.#loadingOlder = false;
      if (!this.#signal.aborted) {
        this.#older.disabled = false;
        this.showOlder();
      }
    }
    // A short page leaves the button in reach, and the observer only speaks on a change: go on.
    // A failed page waits for the reader to ask again.
    if (loaded && this.#olderInReach && !this.#older.hidden && this.#stillInReach()) void this.#loadOlder();
  }

  #stillInReach(): boolean {
    const log = this.#log.getBoundingClientRect();
    return this.#older.getBoundingClientRect().bottom > log.top - PRELOAD_MARGIN;
  }

  /**
   * v1.9: below a search result, newer entries load as the reader scrolls
   * down to the gap, as older ones do at the top; its button stays for keyboards.
   */
  #watchNewer(signal: AbortSignal): void {
    if (typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          const gap = this.host.model.lines.find((l) => l.kind === "gap" && this.#view.shown(l) === entry.target);
          if (gap?.kind === "gap") void this.#fillGap(gap, 1);
        }
      },
      { root: this.#log, rootMargin: `0px 0px ${PRELOAD_MARGIN}px 0px` },
    );
    this.#newerWatch = observer;
    signal.addEventListener("abort", () => observer.disconnect());
  }

  /** Loads what a resume skipped (or lies below a search result), page by page with `after=`, up to `pages`. */
  async #fillGap(gap: GapLine, pages: number): Promise<void> {
    if (this.#filling.has(gap)) return;
    this.#filling.add(gap);
    const button = this.#view.shown(gap)?.querySelector("button");
    if (button) button.disabled = true;
    try {
      let closed = false;
      for (let page = 0; page < pages && !closed; page++) {
        const body = await fetchHistoryPage(this.host.room, this.host.history, {
          after: gap.after,
          limit: HISTORY_PAGE_MAX,
        });
        if (this.#signal.aborted) return;
        closed = fillGap(this.host.model, gap, body.messages, body.hasMore);
      }
      // An open gap now starts later: draw its button afresh.
      this.#view.redraw(gap);
      this.sync();
    } catch {
      this.host.say("Could not load the missed messages; try again.");
      if (button) button.disabled = false;
    } finally {
      this.#filling.delete(gap);
    }
  }
}
