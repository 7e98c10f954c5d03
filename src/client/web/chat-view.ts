import {
  asksForUsers,
  ClientType,
  encodeInput,
  HISTORY_PAGE_MAX,
  nameKey,
  type ServerFrame,
  ServerType,
  SystemEvent,
} from "../../protocol";
import { type ConnectionStatus, RoomConnection } from "../core/connection";
import { Conversations } from "../core/conversations";
import { endingText } from "../core/endings";
import type { TimerClock } from "../core/heartbeat";
import { fetchHistoryPage } from "../core/history-pages";
import { plainText } from "../core/markdown";
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
  PEOPLE_LISTED,
  partnerOf,
  peopleNote,
  prependOlder,
  sortedUsers,
  usersLine,
} from "../core/model";
import { type ActionFrame, actionLine, newClientId } from "../core/queued-frames";
import { restoreItems, SendQueue } from "../core/send-queue";
import { TypingNames, TypingPacer, typingText } from "../core/typing";
import { Attention } from "./attention";
import type { ComposeMode } from "./composer";
import { Composer } from "./composer";
import { $ } from "./dom";
import { lastRead, markRead, rememberRoom } from "./memory";
import { MessageActions } from "./message-actions";
import { MessageList } from "./message-list";
import { type PendingLabel, renderConversations, renderLine, renderPending, renderUsers } from "./render";
import { ConnectionState, errorText, Notice, wholeSeconds } from "./status";

/** Per tab and room: messages typed here and not yet acked survive a reload. */
const outboxKey = (room: string) => `hallway:outbox:${room}`;
/** Entries per "Load older" page. */
const OLDER_PAGE = 50;
/** Pages of 100 needed to close the largest gap the server's retention allows, and some spare. */
const MAX_GAP_PAGES = 20;

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
  readonly #notice = new Notice($("notice"));
  readonly #connectionState = new ConnectionState();
  readonly #older = $<HTMLButtonElement>("older");
  readonly #jump = $<HTMLButtonElement>("jump");
  readonly #pending = $<HTMLOListElement>("outbox");
  readonly #outbox: SendQueue;
  readonly #view: MessageList;
  readonly #composer: Composer;
  readonly #actions: MessageActions;
  readonly #attention: Attention;
  readonly #typing = new TypingNames();
  readonly #pacer = new TypingPacer();
  /** Where unsent messages are kept across reloads (a reload returns to a stranger room too). */
  readonly #outboxKey: string;
  readonly #room: string;
  /** In stranger mode, who this conversation is with. */
  readonly #partner: string | null;
  /** Welcomed on the current socket: messages may go out. */
  #ready = false;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #typingSendTimer: ReturnType<typeof setTimeout> | undefined;
  #showUsersReply = false;
  #lastError: ServerFrame | null = null;
  #abort = new AbortController();
  /** The conversation shown (the room, or DMs with one person) and what is unread in the others. */
  readonly #conversations = new Conversations();
  /** The read mark shown as the "New" line: the last id read when the reader last looked away. */
  #readUpTo: number | null = null;
  #historySeen = false;
  #partnerGone = false;

  constructor(private readonly options: ChatOptions) {
    const { room, stranger } = options;
    this.#room = room;
    this.#model = emptyModel(room);
    this.#partner = stranger?.partner ?? null;
    this.#outboxKey = outboxKey(room);
    this.#outbox = new SendQueue(restoreItems(sessionStorage.getItem(this.#outboxKey)));
    const signal = this.#abort.signal;
    this.#attention = new Attention(signal);
    this.#view = new MessageList(this.#lines, (line) =>
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
        lastOwn: () => (this.#conversations.current === null ? lastOwnMessage(this.#model) : null),
        submit: (text, mode) => this.#submit(text, mode),
        typing: () => this.#sendTyping(),
        refuse: (reason) => this.#setNotice(reason),
      },
      signal,
    );
    this.#composer.setEnabled(true);
    this.#actions = new MessageActions(
      this.#log,
      this.#lines,
      {
        lineOf: (element) => {
          const li = element.closest("li.line");
          return this.#visible().find((l) => this.#view.shown(l) === li);
        },
        act: (frame) => this.#act(frame),
        reply: (line) => this.#composer.reply(line),
        edit: (line) => this.#composer.edit(line),
        fillGap: (gap) => void this.#fillGap(gap),
        scrollToMessage: (id) => this.#scrollToMessage(id),
      },
      signal,
    );
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
    on($("convo-list"), "click", (e) => {
      const pick = (e.target as HTMLElement).closest<HTMLElement>("[data-convo]");
      if (!pick) return;
      this.#showConversation(pick.dataset.convo ? pick.dataset.convo : null);
      this.#closeDrawer();
    });
    on(document, "keydown", (e) => {
      if (e.key !== "Escape") return;
      if (this.#actions.pickerOpen) this.#actions.closePicker();
      else if (document.body.classList.contains("show-users")) this.#closeDrawer();
    });
    on(document, "pointerdown", (e) => {
      const target = e.target as HTMLElement;
      // A tap outside the drawer closes it.
      if (
        document.body.classList.contains("show-users") &&
        !target.closest("#users") &&
        !target.closest("#users-toggle")
      ) {
        this.#closeDrawer();
      }
    });
    on(document, "visibilitychange", () => {
      if (document.hidden) {
        // What was read up to now is where the "New" line goes when the reader comes back.
        this.#readUpTo = this.#model.lastId;
        this.#sync();
      } else {
        // What arrived in the open conversation while hidden has now been seen.
        this.#conversations.seen();
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
    this.#actions.closePicker();
    this.#connection.close();
    // A stranger conversation left on purpose is over: nothing typed there is ever sent to anyone.
    if (this.#partner) sessionStorage.removeItem(this.#outboxKey);
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
    const current = this.#conversations.current;
    if (current === null) return this.#model.lines.filter((l) => l.kind !== "dm");
    const key = nameKey(current);
    return this.#model.lines.filter((l) => {
      const partner = partnerOf(l);
      return partner !== null && nameKey(partner) === key;
    });
  }

  #sync(): void {
    this.#view.sync(this.#visible(), this.#conversations.current === null ? this.#readUpTo : null);
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
      // Back after a reload into a conversation the partner had already left: it stays ended.
      if (frame.type === ServerType.history && this.#partner && !this.#partnerGone) {
        for (const m of frame.payload.messages) {
          if (m.type === ServerType.system && m.payload.event === SystemEvent.partnerLeft) {
            this.#partnerLeft(m.payload.username);
            break;
          }
        }
      }
      if (frame.type === ServerType.presence) {
        for (const name of frame.payload.left) this.#onSystem(SystemEvent.leave, name);
      }
      const wasOperator = this.#model.operator;
      const applied = applyFrame(this.#model, frame);
      if (frame.type === ServerType.welcome) this.#onWelcome();
      // A `/nick` that took is kept, so the next visit asks for the new name.
      if (frame.type === ServerType.renamed) this.options.named(frame.payload.username);
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
          if (partner !== null && this.#conversations.add(partner)) this.#renderConversations();
          if (live) this.#arrived(line);
          added += this.#isShown(line) ? 1 : 0;
        }
      }
      if (applied.usersChanged) this.#renderUsers();
    }
    if (changed) this.#sync();
    this.#older.hidden = !this.#model.hasOlder || this.#conversations.current !== null;
    this.#pump();
    if (added > 0) {
      if (stick) this.#scrollToEnd();
      else this.#jump.hidden = false;
    }
    this.#markRead();
  }

  #isShown(line: Line): boolean {
    return this.#conversations.isShown(partnerOf(line));
  }

  /** A live message or DM arrived: typing, unread counts, the title and notifications. */
  #arrived(line: Line): void {
    if (line.kind === "message") {
      if (this.#typing.stopped(line.username)) this.#drawTyping();
    }
    if (!isFromOthers(line)) return;
    const partner = partnerOf(line);
    if (partner !== null || this.#conversations.current !== null) {
      this.#conversations.arrived(partner, document.hidden);
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
    this.#actions.closePickerFor(line.id);
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
      this.#setNotice(errorText(error.code, error.message, error.retryAfterMs), 6000);
      return;
    }
    if (refusal.kind === "dropped") {
      this.#setNotice(`Not done: ${error.message}.`, 6000);
    }
    if (refusal.kind === "retry") {
      // Stays until everything waiting went out, then goes by itself.
      this.#setNotice(
        `Slow down: your messages will go out as the room allows (${wholeSeconds(error.retryAfterMs)} s).`,
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
    const items = this.#outbox.items;
    if (items.length === 0) sessionStorage.removeItem(this.#outboxKey);
    else sessionStorage.setItem(this.#outboxKey, JSON.stringify(items));
    // A notice about sending is stale once nothing is waiting any more.
    if (this.#notice.aboutSending && this.#outbox.unsent === 0) this.#setNotice("");
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
    // The sidebar needs a list once per connection; after that, notices and presence keep it current.
    // Never more: each list costs the room its people, and a crowd that asked
    // whenever a presence frame left names out would ask all at once.
    this.#connection.send({ type: ClientType.users, payload: { limit: PEOPLE_LISTED } });
  }

  /** The first replay of this visit: the "New" line goes after what was read on an earlier one. */
  #onHistory(): void {
    if (this.#historySeen) return;
    this.#historySeen = true;
    if (!this.#partner) this.#readUpTo = lastRead(localStorage, this.#room);
  }

  /** Moves the room's read mark to the newest entry, when the reader can see it. */
  #markRead(): void {
    if (this.#partner || document.hidden || this.#conversations.current !== null || !this.#historySeen) return;
    if (!this.#nearEnd()) return;
    if (this.#model.lastId > 0) markRead(localStorage, this.#room, this.#model.lastId);
    const newest = this.#model.lines.at(-1);
    rememberRoom(localStorage, this.#room, newest?.ts ?? 0);
  }

  #placeholder(): void {
    if (this.#partnerGone) return;
    const text = this.#partner
      ? `Message ${this.#partner}`
      : this.#conversations.current !== null
        ? `Message ${this.#conversations.current} privately`
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
        const body = await fetchHistoryPage(this.#room, { after: gap.after, limit: HISTORY_PAGE_MAX });
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
    const note = peopleNote(this.#model);
    $("users-note").textContent = note ?? "";
    $("users-note").hidden = note === null;
    renderUsers($("user-list"), sortedUsers(this.#model), this.#model.me, (name) => {
      this.#showConversation(name);
      this.#closeDrawer();
    });
    this.#composer.peopleChanged();
  }

  /** Shows the room (null) or the private conversation with `partner`. */
  #showConversation(partner: string | null): void {
    if (partner !== null && this.#isMe(partner)) return;
    const changed = this.#conversations.show(partner);
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
    const waiting = renderConversations($("convo-list"), this.#room, this.#conversations);
    $("convos").hidden = this.#conversations.size === 0;
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
    if (this.#conversations.current !== null || !this.#ready) return;
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
    const names = this.#conversations.current === null ? this.#typing.names(now) : [];
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
    if (!command && this.#conversations.current !== null)
      typed = `/msg ${this.#conversations.current} ${text.startsWith("//") ? text.slice(1) : text}`;
    const replyTo = mode.kind === "reply" && this.#conversations.current === null ? mode.line.id : undefined;
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

  /** An action on a message (edit, delete, react) waits in the send queue like a message, connected or not. */
  #act(frame: ActionFrame): boolean {
    this.#outbox.addFrame(frame, actionLine(frame), Date.now());
    this.#outboxChanged();
    this.#pump();
    return true;
  }

  // --- Message actions ------------------------------------------------------------------------

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
      const page = await fetchHistoryPage(this.#room, { before, limit: OLDER_PAGE });
      prependOlder(this.#model, page.messages, page.hasMore);
      // Keep the reader's place: what they were looking at stays where it was.
      const fromBottom = this.#log.scrollHeight - this.#log.scrollTop;
      this.#sync();
      this.#log.scrollTop = this.#log.scrollHeight - fromBottom;
    } catch {
      this.#setNotice("Could not load older messages; try again.");
    } finally {
      this.#older.disabled = false;
      this.#older.hidden = !this.#model.hasOlder || this.#conversations.current !== null;
    }
  }

  // --- Notices and connection state -----------------------------------------------------------

  #setNotice(text: string, clearAfterMs?: number, aboutSending = false): void {
    this.#notice.set(text, clearAfterMs, aboutSending);
  }

  #setStatus(status: ConnectionStatus, attempt: number): void {
    if (status !== "open") {
      // Whatever was on the wire goes again, with the same clientId, once welcomed back.
      this.#ready = false;
      this.#outbox.disconnected();
      this.#renderPending();
    }
    this.#connectionState.show(status, attempt);
  }

  #ended(code: number, reason: string): void {
    this.#setStatus("closed", 0);
    this.#abort.abort();
    const error = this.#lastError?.type === ServerType.error ? this.#lastError.payload : null;
    this.options.onEnd(endingText(code, reason, error, this.#partner !== null));
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
