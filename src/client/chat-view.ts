import {
  asksForUsers,
  type ClientFrame,
  ClientType,
  CloseCode,
  ErrorCode,
  encodeInput,
  HISTORY_PAGE_MAX,
  type HistoryFrame,
  nameKey,
  type ServerFrame,
  ServerType,
  SystemEvent,
} from "../protocol";
import { Attention } from "./attention";
import type { ComposeMode } from "./composer";
import { Composer } from "./composer";
import { type ConnectionStatus, RoomConnection } from "./connection";
import { $, el } from "./dom";
import type { TimerClock } from "./heartbeat";
import { LogView } from "./log";
import { plainText } from "./markdown";
import { lastRead, markRead, rememberRoom } from "./memory";
import {
  applyFrame,
  type ChatModel,
  emptyModel,
  fillGap,
  findMessage,
  type GapLine,
  isFromOthers,
  type Line,
  lastOwnMessage,
  type MessageLine,
  oldestId,
  partnerOf,
  prependOlder,
  sortedUsers,
  usersLine,
  usersRefreshDelayMs,
} from "./model";
import { newClientId, Outbox, restoreItems } from "./outbox";
import { type PendingLabel, renderLine, renderPending, renderUsers } from "./render";
import { TypingNames, TypingPacer, typingText } from "./typing";

/** Per tab and room: messages typed here and not yet acked survive a reload. */
const outboxKey = (room: string) => `hallway:outbox:${room}`;
/** Pages of 100 needed to close the largest gap the server's retention allows, and some spare. */
const MAX_GAP_PAGES = 20;
/** Reactions offered in the picker, before those already on the message. */
const COMMON_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];
/** How long a touch must rest on a message to open its actions. */
const LONG_PRESS_MS = 450;
/** How long "Delete?" waits for the second click. */
const CONFIRM_MS = 4000;

/** Close codes that end a visit, with what to tell the person on the start screen. */
const ENDINGS: Record<number, string> = {
  [CloseCode.normal]: "You left the room.",
  [CloseCode.kicked]: "You were removed from the room by its operator.",
  [CloseCode.banned]: "You are banned from this room.",
  [CloseCode.usernameTaken]: "That name is taken in this room; pick another.",
  [CloseCode.badRequest]: "That name cannot be used; pick another.",
  [CloseCode.forbidden]: "You may not join this room.",
};

export interface StrangerChat {
  token: string;
  partner: string;
  onNext: () => void;
}

export interface ChatOptions {
  room: string;
  requestedName: string;
  session: string;
  /** Called once the name the server gave is known. */
  named: (name: string) => void;
  onEnd: (message: string) => void;
  stranger?: StrangerChat;
  /** Where the heartbeat's timers run (see ticker.ts); the page's own timers when absent. */
  clock?: TimerClock;
}

function seconds(ms = 1000): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** A DM conversation and how much of it is unread. */
interface Conversation {
  partner: string;
  unread: number;
}

/**
 * One visit to a room (or a stranger chat): the log, the composer, the people
 * here, private conversations, and the connection with everything that keeps
 * it honest about what was delivered.
 */
export class ChatView {
  readonly #model: ChatModel;
  readonly #connection: RoomConnection;
  readonly #log = $("log");
  readonly #lines = $<HTMLOListElement>("lines");
  readonly #notice = $("notice");
  readonly #older = $<HTMLButtonElement>("older");
  readonly #jump = $<HTMLButtonElement>("jump");
  readonly #pending = $<HTMLOListElement>("outbox");
  readonly #outbox: Outbox;
  readonly #view: LogView;
  readonly #composer: Composer;
  readonly #attention: Attention;
  readonly #typing = new TypingNames();
  readonly #pacer = new TypingPacer();
  /** Where unsent messages are kept across reloads; null in a stranger room, which a reload leaves for good. */
  readonly #outboxKey: string | null;
  readonly #room: string;
  /** In stranger mode, who this conversation is with. */
  readonly #partner: string | null;
  /** Welcomed on the current socket: messages may go out. */
  #ready = false;
  #everOpen = false;
  #status: ConnectionStatus | null = null;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #typingSendTimer: ReturnType<typeof setTimeout> | undefined;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** A `users` request waiting for a crowd's storm of arrivals to pass. */
  #usersTimer: ReturnType<typeof setTimeout> | undefined;
  /** The notice says something could not be sent: it goes once everything pending went out. */
  #noticeAboutSending = false;
  #showUsersReply = false;
  #lastError: ServerFrame | null = null;
  #abort = new AbortController();
  /** The conversation shown: null for the room, or the DM partner's name. */
  #current: string | null = null;
  readonly #conversations = new Map<string, Conversation>();
  /** Room messages that arrived while a DM conversation was shown. */
  #roomUnread = 0;
  /** The read mark shown as the "New" line: the last id read when the reader last looked away. */
  #readUpTo: number | null = null;
  #historySeen = false;
  #partnerGone = false;

  constructor(private readonly options: ChatOptions) {
    const { room, stranger } = options;
    this.#room = room;
    this.#model = emptyModel(room);
    this.#partner = stranger?.partner ?? null;
    this.#outboxKey = stranger ? null : outboxKey(room);
    this.#outbox = new Outbox(this.#outboxKey ? restoreItems(sessionStorage.getItem(this.#outboxKey)) : []);
    const signal = this.#abort.signal;
    this.#attention = new Attention(signal);
    this.#view = new LogView(this.#lines, (line) =>
      renderLine(line, {
        me: this.#model.me,
        operator: this.#model.operator,
        original: (id) => findMessage(this.#model, id),
      }),
    );
    document.body.classList.toggle("stranger", Boolean(stranger));
    document.body.classList.remove("partner-gone", "show-users");
    $("next").hidden = !stranger;
    $("next").classList.remove("primary");
    this.#lines.replaceChildren();
    this.#older.hidden = true;
    this.#jump.hidden = true;
    $("typing").textContent = "";
    this.#setNotice("");
    this.#composer = new Composer(
      {
        maxLength: () => this.#model.maxMessageLength,
        people: () =>
          sortedUsers(this.#model)
            .map((u) => u.username)
            .filter((n) => !this.#isMe(n)),
        lastOwn: () => (this.#current === null ? lastOwnMessage(this.#model) : null),
        submit: (text, mode) => this.#submit(text, mode),
        typing: () => this.#sendTyping(),
        refuse: (reason) => this.#setNotice(reason),
      },
      signal,
    );
    this.#composer.setEnabled(true);
    this.#showConversation(null);
    this.#renderPending();
    this.#renderUsers();
    this.#wire(signal, stranger);

    this.#connection = new RoomConnection(
      {
        origin: `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`,
        room,
        // After the first welcome, reconnect as the name the server gave (an Anon_ name included).
        username: () => this.#model.me ?? options.requestedName,
        session: options.session,
        since: () => this.#model.lastId,
        epoch: () => this.#model.epoch,
        ...(stranger ? { token: stranger.token } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      },
      {
        frames: (frames) => this.#onFrames(frames),
        status: (status, attempt) => this.#setStatus(status, attempt),
        ended: (code, reason) => this.#ended(code, reason),
      },
    );
    this.#composer.focus();
  }

  #wire(signal: AbortSignal, stranger: StrangerChat | undefined): void {
    type Events = WindowEventMap & DocumentEventMap;
    const on = <K extends keyof Events>(target: EventTarget, type: K, handler: (e: Events[K]) => void) =>
      target.addEventListener(type, handler as EventListener, { signal });
    if (stranger) on($("next"), "click", () => stranger.onNext());
    on($("composer"), "submit", (e) => {
      e.preventDefault();
      this.#composer.send();
    });
    on(this.#older, "click", () => void this.#loadOlder());
    on(this.#jump, "click", () => this.#scrollToEnd());
    on(this.#log, "scroll", () => {
      if (this.#nearEnd()) {
        this.#jump.hidden = true;
        this.#markRead();
      }
    });
    on($("users-toggle"), "click", () => this.#toggleUsers());
    on($("convo-back"), "click", () => this.#showConversation(null));
    on($("reconnect"), "click", () => this.#connection.reconnectNow());
    on(this.#lines, "click", (e) => this.#onLogClick(e));
    on(this.#lines, "pointerdown", (e) => this.#longPress(e));
    on($("convo-list"), "click", (e) => {
      const pick = (e.target as HTMLElement).closest<HTMLElement>("[data-convo]");
      if (!pick) return;
      this.#showConversation(pick.dataset.convo ? pick.dataset.convo : null);
      this.#closeDrawer();
    });
    on(document, "keydown", (e) => {
      if (e.key !== "Escape") return;
      if (!$("picker").hidden) this.#closePicker();
      else if (document.body.classList.contains("show-users")) this.#closeDrawer();
    });
    on(document, "pointerdown", (e) => {
      const target = e.target as HTMLElement;
      // A tap outside the drawer closes it; so does one outside an open picker or message toolbar.
      if (
        document.body.classList.contains("show-users") &&
        !target.closest("#users") &&
        !target.closest("#users-toggle")
      ) {
        this.#closeDrawer();
      }
      if (!target.closest("#picker") && !target.closest("[data-act=react]")) this.#closePicker();
      if (!target.closest(".line.open"))
        for (const open of this.#lines.querySelectorAll(".line.open")) open.classList.remove("open");
    });
    on(document, "visibilitychange", () => {
      if (document.hidden) {
        // What was read up to now is where the "New" line goes when the reader comes back.
        this.#readUpTo = this.#model.lastId;
        this.#sync();
      } else {
        // What arrived in the open conversation while hidden has now been seen.
        if (this.#current !== null) this.#conversation(this.#current).unread = 0;
        this.#renderConversations();
        this.#markRead();
        // Timers in a hidden tab are slowed down: a reconnect that waited may go now.
        this.#connection.reconnectNow();
      }
    });
    on(window, "online", () => this.#connection.reconnectNow());
  }

  /** Leaves the room; returns what to tell the person about messages not delivered, if any. */
  leave(): string {
    this.#markRead();
    this.#abort.abort();
    clearTimeout(this.#holdTimer);
    clearTimeout(this.#typingTimer);
    clearTimeout(this.#typingSendTimer);
    clearTimeout(this.#usersTimer);
    this.#closePicker();
    this.#connection.close();
    const unsent = this.#outbox.items.length;
    if (unsent === 0) return "";
    const messages = unsent === 1 ? "1 message was" : `${unsent} messages were`;
    return this.#partner
      ? `${messages} not delivered to ${this.#partner}.`
      : `${messages} not delivered yet; kept for when you come back to #${this.#room} in this tab.`;
  }

  #isMe(name: string): boolean {
    return this.#model.me !== null && nameKey(name) === nameKey(this.#model.me);
  }

  /** The lines of the conversation shown: the room's, or the DMs with one person. */
  #visible(): Line[] {
    const current = this.#current;
    if (current === null) return this.#model.lines.filter((l) => l.kind !== "dm");
    const key = nameKey(current);
    return this.#model.lines.filter((l) => {
      const partner = partnerOf(l);
      return partner !== null && nameKey(partner) === key;
    });
  }

  #sync(): void {
    this.#view.sync(this.#visible(), this.#current === null ? this.#readUpTo : null);
  }

  #onFrames(frames: ServerFrame[]): void {
    const stick = this.#nearEnd();
    let added = 0;
    let changed = false;
    for (const frame of frames) {
      if (frame.type === ServerType.error) {
        this.#onError(frame);
        continue;
      }
      if (frame.type === ServerType.ack) {
        if (this.#outbox.acked(frame.payload.clientId)) this.#outboxChanged();
        continue;
      }
      if (frame.type === ServerType.typing) {
        if (!this.#isMe(frame.payload.username)) this.#typing.seen(frame.payload.username, Date.now());
        this.#drawTyping();
        continue;
      }
      if (frame.type === ServerType.users && this.#showUsersReply) {
        this.#showUsersReply = false;
        const line = usersLine(frame.payload.users);
        this.#model.lines.push(line);
        changed = true;
        added++;
      }
      if (frame.type === ServerType.system) this.#onSystem(frame.payload.event, frame.payload.username);
      if (frame.type === ServerType.presence) {
        for (const name of frame.payload.left) this.#onSystem(SystemEvent.leave, name);
      }
      const wasOperator = this.#model.operator;
      const applied = applyFrame(this.#model, frame);
      if (frame.type === ServerType.welcome) this.#onWelcome();
      if (frame.type === ServerType.history) this.#onHistory();
      if (applied.reset) {
        this.#lines.replaceChildren();
        this.#setNotice("This room's history was reset; showing it from the start.", 8000);
      }
      if (this.#model.operator !== wasOperator) this.#redrawMessages();
      for (const line of applied.updated ?? []) this.#updated(line);
      if (applied.appended.length > 0) {
        changed = true;
        const live = frame.type === ServerType.chatMessage || frame.type === ServerType.dm;
        for (const line of applied.appended) {
          // Every DM, sent or received, live or replayed, belongs to a conversation.
          const partner = partnerOf(line);
          if (partner !== null && !this.#conversations.has(nameKey(partner))) {
            this.#conversation(partner);
            this.#renderConversations();
          }
          if (live) this.#arrived(line);
          added += this.#isShown(line) ? 1 : 0;
        }
      }
      if (applied.usersChanged) this.#renderUsers();
      if (applied.refreshUsers) this.#refreshUsersSoon();
    }
    if (changed) this.#sync();
    this.#older.hidden = !this.#model.hasOlder || this.#current !== null;
    this.#pump();
    if (added > 0) {
      if (stick) this.#scrollToEnd();
      else this.#jump.hidden = false;
    }
    this.#markRead();
  }

  #isShown(line: Line): boolean {
    const partner = partnerOf(line);
    if (this.#current === null) return partner === null;
    return partner !== null && nameKey(partner) === nameKey(this.#current);
  }

  /** A live message or DM arrived: typing, unread counts, the title and notifications. */
  #arrived(line: Line): void {
    if (line.kind === "message") {
      if (this.#typing.stopped(line.username)) this.#drawTyping();
    }
    if (!isFromOthers(line)) return;
    const partner = partnerOf(line);
    if (partner !== null) {
      const convo = this.#conversation(partner);
      if (this.#current === null || nameKey(this.#current) !== nameKey(partner) || document.hidden) convo.unread++;
      this.#renderConversations();
    } else if (this.#current !== null) {
      this.#roomUnread++;
      this.#renderConversations();
    }
    const from = line.kind === "message" ? line.username : line.kind === "dm" ? line.from : "";
    const text = line.kind === "message" || line.kind === "dm" ? line.text : "";
    const alert =
      line.kind === "dm"
        ? { title: `${from} (private)`, body: plainText(text) }
        : line.kind === "message" && line.mentionsMe
          ? { title: `${from} in #${this.#room}`, body: plainText(text) }
          : null;
    this.#attention.arrived(alert);
  }

  #onSystem(event: string, username: string): void {
    if (event === SystemEvent.leave || event === SystemEvent.kick || event === SystemEvent.ban) {
      if (this.#typing.stopped(username)) this.#drawTyping();
    }
    if (event === SystemEvent.partnerLeft) this.#partnerLeft(username);
  }

  #partnerLeft(username: string): void {
    this.#partnerGone = true;
    document.body.classList.add("partner-gone");
    $("room-title").textContent = `${username} left`;
    $("next").classList.add("primary");
    this.#composer.setEnabled(false, "This conversation has ended");
    this.#setNotice(`${username} left the conversation. Press "Next stranger" to meet someone new.`);
    $("next").focus();
  }

  /** A message changed (edited, deleted, reactions): redraw it and the replies that quote it. */
  #updated(line: MessageLine): void {
    this.#view.redraw(line);
    for (const other of this.#model.lines) {
      if (other.kind === "message" && other.replyTo === line.id) this.#view.redraw(other);
    }
    if (line.deleted) this.#composer.forget(line.id);
    const picker = $("picker");
    if (!picker.hidden && picker.dataset.id === String(line.id)) this.#closePicker();
  }

  /** The reader's role changed: the delete buttons change with it. */
  #redrawMessages(): void {
    for (const line of this.#model.lines) if (line.kind === "message") this.#view.redraw(line);
  }

  /** An error frame: a message of ours refused, held by the rate limit, or an answer to a command. */
  #onError(frame: Extract<ServerFrame, { type: "error" }>): void {
    const error = frame.payload;
    const refusal = this.#outbox.refused(error, Date.now());
    if (refusal.kind === "other") {
      // Kept to explain a close that may follow (a refused join); a refused message explains itself.
      this.#lastError = frame;
      this.#showError(error.code, error.message, error.retryAfterMs);
      return;
    }
    if (refusal.kind === "retry") {
      // Stays until everything waiting went out, then goes by itself.
      this.#setNotice(
        `Slow down: your messages will go out as the room allows (${seconds(error.retryAfterMs)} s).`,
        undefined,
        true,
      );
    }
    this.#outboxChanged();
  }

  /** Puts the next waiting message on the wire, one at a time, when connected and the rate limit allows. */
  #pump(): void {
    clearTimeout(this.#holdTimer);
    if (!this.#ready) return;
    const now = Date.now();
    const item = this.#outbox.next(now);
    if (item) {
      if (!this.#connection.sendMessage(item.frame)) return;
      this.#outbox.sending(item.clientId);
      this.#outboxChanged();
    } else if (this.#outbox.heldUntil > now && this.#outbox.unsent > 0) {
      this.#holdTimer = setTimeout(() => this.#pump(), this.#outbox.heldUntil - now);
    }
  }

  /** Saves and redraws the unsent messages after any change. */
  #outboxChanged(): void {
    if (this.#outboxKey) {
      const items = this.#outbox.items;
      if (items.length === 0) sessionStorage.removeItem(this.#outboxKey);
      else sessionStorage.setItem(this.#outboxKey, JSON.stringify(items));
    }
    // A notice about sending is stale once nothing is waiting any more.
    if (this.#noticeAboutSending && this.#outbox.unsent === 0) this.#setNotice("");
    this.#renderPending();
  }

  #renderPending(): void {
    const now = Date.now();
    const label = (state: string): PendingLabel => {
      if (state === "failed") return "failed";
      if (state === "sending") return "sending";
      if (!this.#ready) return "waiting";
      return this.#outbox.heldUntil > now ? "held" : "sending";
    };
    this.#pending.replaceChildren(
      ...this.#outbox.items.map((item) =>
        renderPending(item, label(item.state), (action, clientId) => {
          if (action === "retry") this.#outbox.retry(clientId);
          else this.#outbox.discard(clientId);
          this.#outboxChanged();
          this.#pump();
        }),
      ),
    );
  }

  #onWelcome(): void {
    this.#ready = true;
    this.options.named(this.#model.me ?? "");
    this.#placeholder();
    // The sidebar needs the full list once; after that, notices keep it current.
    this.#connection.send({ type: ClientType.users, payload: {} });
  }

  /**
   * A crowd's presence left names out: the people list is made whole again
   * by one `users` request a few seconds on, however many such frames come.
   */
  #refreshUsersSoon(): void {
    if (this.#usersTimer !== undefined) return;
    this.#usersTimer = setTimeout(() => {
      this.#usersTimer = undefined;
      this.#connection.send({ type: ClientType.users, payload: {} });
    }, usersRefreshDelayMs());
  }

  /** The first replay of this visit: the "New" line goes after what was read on an earlier one. */
  #onHistory(): void {
    if (this.#historySeen) return;
    this.#historySeen = true;
    if (!this.#partner) this.#readUpTo = lastRead(localStorage, this.#room);
  }

  /** Moves the room's read mark to the newest entry, when the reader can see it. */
  #markRead(): void {
    if (this.#partner || document.hidden || this.#current !== null || !this.#historySeen) return;
    if (!this.#nearEnd()) return;
    if (this.#model.lastId > 0) markRead(localStorage, this.#room, this.#model.lastId);
    const newest = this.#model.lines.at(-1);
    rememberRoom(localStorage, this.#room, newest?.ts ?? 0);
  }

  #placeholder(): void {
    if (this.#partnerGone) return;
    const text = this.#partner
      ? `Message ${this.#partner}`
      : this.#current !== null
        ? `Message ${this.#current} privately`
        : `Message #${this.#room}`;
    this.#composer.setEnabled(true, text);
  }

  /** Loads what a resume skipped, page by page with `after=`, until the gap is closed. */
  async #fillGap(gap: GapLine): Promise<void> {
    const button = this.#view.shown(gap)?.querySelector("button");
    if (button) button.disabled = true;
    try {
      let closed = false;
      for (let page = 0; page < MAX_GAP_PAGES && !closed; page++) {
        const res = await fetch(
          `/api/rooms/${encodeURIComponent(this.#room)}/history?after=${gap.after}&limit=${HISTORY_PAGE_MAX}`,
        );
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { messages: HistoryFrame[]; hasMore: boolean };
        closed = fillGap(this.#model, gap, body.messages, body.hasMore);
      }
      // An open gap now starts later: draw its button afresh.
      this.#view.redraw(gap);
      this.#sync();
    } catch {
      this.#setNotice("Could not load the missed messages; try again.");
      if (button) button.disabled = false;
    }
  }

  // --- People and conversations -------------------------------------------------------------

  #renderUsers(): void {
    $("count").textContent = String(this.#model.count);
    renderUsers($("user-list"), sortedUsers(this.#model), this.#model.me, (name) => {
      this.#showConversation(name);
      this.#closeDrawer();
    });
  }

  #conversation(partner: string): Conversation {
    const key = nameKey(partner);
    let convo = this.#conversations.get(key);
    if (!convo) {
      convo = { partner, unread: 0 };
      this.#conversations.set(key, convo);
    }
    return convo;
  }

  /** Shows the room (null) or the private conversation with `partner`. */
  #showConversation(partner: string | null): void {
    if (partner !== null && this.#isMe(partner)) return;
    const changed = partner !== this.#current;
    this.#current = partner;
    if (partner === null) {
      this.#roomUnread = 0;
    } else {
      const convo = this.#conversation(partner);
      convo.unread = 0;
    }
    if (changed && this.#composer.mode.kind !== "new") this.#composer.cancel();
    document.body.classList.toggle("in-dm", partner !== null);
    const title = this.#partner ? `Talking with ${this.#partner}` : partner === null ? `#${this.#room}` : partner;
    if (!this.#partnerGone) $("room-title").textContent = title;
    $("convo-back").hidden = partner === null;
    $("convo-back").textContent = `← #${this.#room}`;
    $("lines-region").setAttribute("aria-label", partner === null ? "Messages" : `Private messages with ${partner}`);
    this.#attention.base = this.#partner
      ? "Stranger · Hallway"
      : partner === null
        ? `#${this.#room} · Hallway`
        : `${partner} (private) · Hallway`;
    this.#older.hidden = !this.#model.hasOlder || partner !== null;
    this.#typing.clear();
    this.#drawTyping();
    this.#placeholder();
    this.#sync();
    this.#renderConversations();
    if (changed) {
      this.#scrollToEnd();
      this.#composer.focus();
    }
  }

  #renderConversations(): void {
    const list = $("convo-list");
    const item = (key: string, label: string, unread: number, current: boolean) => {
      const li = el("li", "");
      const button = el("button", `convo${current ? " current" : ""}`, label);
      button.setAttribute("type", "button");
      button.dataset.convo = key;
      if (current) button.setAttribute("aria-current", "true");
      if (unread > 0) {
        const badge = el("span", "unread", String(unread));
        badge.setAttribute("aria-label", `${unread} unread`);
        button.append(" ", badge);
      }
      li.append(button);
      return li;
    };
    const dms = [...this.#conversations.values()];
    list.replaceChildren(
      item("", `#${this.#room}`, this.#roomUnread, this.#current === null),
      ...dms.map((c) =>
        item(c.partner, c.partner, c.unread, this.#current !== null && nameKey(this.#current) === nameKey(c.partner)),
      ),
    );
    $("convos").hidden = dms.length === 0;
    const waiting = this.#roomUnread + dms.reduce((n, c) => n + c.unread, 0);
    const dot = $("toggle-unread");
    dot.hidden = waiting === 0;
    dot.textContent = String(waiting);
  }

  #toggleUsers(): void {
    const phone = window.matchMedia("(max-width: 640px)").matches;
    const open = phone ? document.body.classList.toggle("show-users") : !document.body.classList.toggle("hide-users");
    $("users-toggle").setAttribute("aria-expanded", String(open));
  }

  #closeDrawer(): void {
    if (!document.body.classList.contains("show-users")) return;
    document.body.classList.remove("show-users");
    $("users-toggle").setAttribute("aria-expanded", "false");
  }

  // --- Typing ---------------------------------------------------------------------------------

  /**
   * A keystroke in a room message. The room passes on one notice per 2 s, so
   * one that comes too soon after the last is not sent but held: it goes when
   * the 2 s are up, if the person is still writing something.
   */
  #sendTyping(): void {
    if (this.#current !== null || !this.#ready) return;
    const now = Date.now();
    if (this.#pacer.typed(now)) {
      clearTimeout(this.#typingSendTimer);
      this.#typingSendTimer = undefined;
      this.#connection.send({ type: ClientType.typing, payload: {} });
    } else if (this.#typingSendTimer === undefined) {
      this.#typingSendTimer = setTimeout(() => {
        this.#typingSendTimer = undefined;
        const text = this.#composer.text;
        if (text.trim() !== "" && !text.startsWith("/") && this.#composer.mode.kind !== "edit") this.#sendTyping();
      }, this.#pacer.wait(now));
    }
  }

  #drawTyping(): void {
    clearTimeout(this.#typingTimer);
    const now = Date.now();
    const names = this.#current === null ? this.#typing.names(now) : [];
    $("typing").textContent = typingText(names);
    const next = this.#typing.nextChange();
    if (next !== null) this.#typingTimer = setTimeout(() => this.#drawTyping(), Math.max(50, next - now));
  }

  // --- Sending --------------------------------------------------------------------------------

  #submit(text: string, mode: ComposeMode): boolean {
    if (mode.kind === "edit") return this.#sendEdit(mode.line, text);
    const command = text.startsWith("/") && !text.startsWith("//");
    const now = Date.now();
    let typed = text;
    if (!command && this.#current !== null)
      typed = `/msg ${this.#current} ${text.startsWith("//") ? text.slice(1) : text}`;
    const replyTo = mode.kind === "reply" && this.#current === null ? mode.line.id : undefined;
    // A message is kept until acked, connected or not; a command needs the connection now.
    if (this.#outbox.add(typed, now, undefined, replyTo)) {
      this.#setNotice("");
      this.#outboxChanged();
      this.#pump();
      this.#scrollToEnd();
      return true;
    }
    if (asksForUsers(text)) this.#showUsersReply = true;
    if (!this.#connection.sendRaw(encodeInput(text))) {
      this.#setNotice("Not connected — the command is still here; send it again once reconnected.");
      return false;
    }
    this.#setNotice("");
    this.#scrollToEnd();
    return true;
  }

  #sendEdit(line: MessageLine, text: string): boolean {
    if (text === line.text) return true;
    return this.#act({ type: ClientType.edit, payload: { id: line.id, message: text, clientId: newClientId() } });
  }

  /** Sends an action on a message (edit, delete, react); they need the connection now. */
  #act(frame: ClientFrame): boolean {
    if (this.#connection.sendMessage(frame)) return true;
    this.#setNotice("Not connected — try again once reconnected.", 6000);
    return false;
  }

  // --- Message actions ------------------------------------------------------------------------

  #onLogClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const gapButton = target.closest(".line.gap button");
    if (gapButton) {
      const gap = this.#lineOf(gapButton);
      if (gap?.kind === "gap") void this.#fillGap(gap);
      return;
    }
    const button = target.closest<HTMLElement>("[data-act]");
    if (!button) return;
    const line = this.#lineOf(button);
    if (line?.kind !== "message") return;
    switch (button.dataset.act) {
      case "reply":
        this.#composer.reply(line);
        break;
      case "edit":
        this.#composer.edit(line);
        break;
      case "delete":
        this.#confirmDelete(button, line);
        break;
      case "react":
        this.#openPicker(button, line);
        break;
      case "toggle":
        if (button.dataset.emoji) this.#react(line, button.dataset.emoji);
        break;
      case "quote":
        this.#scrollToMessage(Number(button.dataset.target));
        break;
    }
  }

  #lineOf(element: Element): Line | undefined {
    const li = element.closest("li.line");
    return this.#visible().find((l) => this.#view.shown(l) === li);
  }

  #react(line: MessageLine, emoji: string): void {
    this.#act({ type: ClientType.react, payload: { id: line.id, emoji, clientId: newClientId() } });
    this.#closePicker();
  }

  #confirmDelete(button: HTMLElement, line: MessageLine): void {
    if (button.dataset.confirm === "1") {
      this.#act({ type: ClientType.delete, payload: { id: line.id, clientId: newClientId() } });
      return;
    }
    button.dataset.confirm = "1";
    button.textContent = "Delete?";
    button.setAttribute("aria-label", "Click again to delete this message");
    setTimeout(() => {
      if (!button.isConnected) return;
      delete button.dataset.confirm;
      button.textContent = "🗑";
      button.setAttribute("aria-label", "Delete");
    }, CONFIRM_MS);
  }

  #openPicker(button: HTMLElement, line: MessageLine): void {
    const picker = $("picker");
    if (!picker.hidden && picker.dataset.id === String(line.id)) {
      this.#closePicker();
      return;
    }
    const present = Object.keys(line.reactions).filter((e) => !COMMON_EMOJI.includes(e));
    picker.replaceChildren(
      el("legend", "sr-only", "Pick a reaction"),
      ...[...COMMON_EMOJI, ...present].map((emoji) => {
        const b = el("button", "pick-emoji", emoji);
        b.setAttribute("type", "button");
        b.setAttribute("aria-label", `React with ${emoji}`);
        b.addEventListener("click", () => this.#react(line, emoji));
        return b;
      }),
    );
    picker.dataset.id = String(line.id);
    picker.hidden = false;
    // Below the button, inside the log's scrolling box, kept within its width.
    const box = this.#log.getBoundingClientRect();
    const at = button.getBoundingClientRect();
    const width = picker.offsetWidth;
    picker.style.top = `${at.bottom - box.top + this.#log.scrollTop + 4}px`;
    picker.style.left = `${Math.max(8, Math.min(at.right - box.left - width, box.width - width - 8))}px`;
    picker.querySelector<HTMLElement>("button")?.focus();
  }

  #closePicker(): void {
    const picker = $("picker");
    if (picker.hidden) return;
    picker.hidden = true;
    picker.replaceChildren();
  }

  /** A touch resting on a message opens its actions, as hovering does with a mouse. */
  #longPress(e: PointerEvent): void {
    if (e.pointerType !== "touch") return;
    const li = (e.target as HTMLElement).closest<HTMLElement>(".line.message");
    if (!li || li.classList.contains("deleted")) return;
    const timer = setTimeout(() => {
      for (const open of this.#lines.querySelectorAll(".line.open")) open.classList.remove("open");
      li.classList.add("open");
    }, LONG_PRESS_MS);
    const cancel = () => clearTimeout(timer);
    li.addEventListener("pointerup", cancel, { once: true });
    li.addEventListener("pointercancel", cancel, { once: true });
    li.addEventListener("pointermove", cancel, { once: true });
  }

  #scrollToMessage(id: number): void {
    const line = findMessage(this.#model, id);
    const element = line ? this.#view.shown(line) : undefined;
    if (!element?.isConnected) {
      this.#setNotice("That message is further back than what is loaded here.", 5000);
      return;
    }
    element.scrollIntoView({ block: "center", behavior: "smooth" });
    element.classList.remove("flash");
    void element.offsetWidth;
    element.classList.add("flash");
    element.tabIndex = -1;
    element.focus({ preventScroll: true });
  }

  // --- Scrollback -----------------------------------------------------------------------------

  async #loadOlder(): Promise<void> {
    const before = oldestId(this.#model);
    if (before === null) return;
    this.#older.disabled = true;
    try {
      const res = await fetch(`/api/rooms/${encodeURIComponent(this.#room)}/history?before=${before}&limit=50`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const page = (await res.json()) as { messages: HistoryFrame[]; hasMore: boolean };
      prependOlder(this.#model, page.messages, page.hasMore);
      // Keep the reader's place: what they were looking at stays where it was.
      const fromBottom = this.#log.scrollHeight - this.#log.scrollTop;
      this.#sync();
      this.#log.scrollTop = this.#log.scrollHeight - fromBottom;
    } catch {
      this.#setNotice("Could not load older messages; try again.");
    } finally {
      this.#older.disabled = false;
      this.#older.hidden = !this.#model.hasOlder || this.#current !== null;
    }
  }

  // --- Notices and connection state -----------------------------------------------------------

  #showError(code: string, message: string, retryAfterMs?: number): void {
    const text =
      code === ErrorCode.rateLimited && retryAfterMs !== undefined
        ? `Slow down: you can send again in ${seconds(retryAfterMs)} s.`
        : message.charAt(0).toUpperCase() + message.slice(1);
    this.#setNotice(text, 6000);
  }

  #setNotice(text: string, clearAfterMs?: number, aboutSending = false): void {
    clearTimeout(this.#noticeTimer);
    this.#noticeAboutSending = aboutSending && text !== "";
    this.#notice.textContent = text;
    if (clearAfterMs) {
      this.#noticeTimer = setTimeout(() => {
        this.#notice.textContent = "";
        this.#noticeAboutSending = false;
      }, clearAfterMs);
    }
  }

  #setStatus(status: ConnectionStatus, attempt: number): void {
    if (status !== "open") {
      // Whatever was on the wire goes again, with the same clientId, once welcomed back.
      this.#ready = false;
      this.#outbox.disconnected();
      this.#renderPending();
    } else {
      this.#everOpen = true;
    }
    const lost = status === "reconnecting" || (status === "closed" && this.#everOpen);
    const banner = $("banner");
    banner.hidden = !lost;
    if (lost) {
      const tries = attempt > 1 ? ` (try ${attempt})` : "";
      $("banner-text").textContent =
        `Connection lost — reconnecting${tries}… What you write is kept and sent once it is back.`;
    }
    $("users").classList.toggle("stale", status !== "open");
    $("users-heading").textContent = status === "open" ? "Here now" : "Last known";
    // The status line is a live region: it changes with the state, not with every try.
    if (status === this.#status) return;
    this.#status = status;
    const label: Record<ConnectionStatus, string> = {
      connecting: "connecting…",
      open: "connected",
      reconnecting: "reconnecting…",
      closed: "disconnected",
    };
    const badge = $("status");
    badge.dataset.state = status;
    badge.textContent = label[status];
  }

  #ended(code: number, reason: string): void {
    this.#setStatus("closed", 0);
    this.#abort.abort();
    const error = this.#lastError?.type === ServerType.error ? this.#lastError.payload.message : "";
    this.options.onEnd(ENDINGS[code] ?? (error || reason || "Disconnected."));
  }

  #nearEnd(): boolean {
    return this.#log.scrollHeight - this.#log.scrollTop - this.#log.clientHeight < 80;
  }

  #scrollToEnd(): void {
    this.#log.scrollTop = this.#log.scrollHeight;
    this.#jump.hidden = true;
    this.#markRead();
  }
}
