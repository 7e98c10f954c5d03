import {
  asksForUsers,
  ClientType,
  CloseCode,
  ErrorCode,
  encodeInput,
  HISTORY_PAGE_MAX,
  type HistoryFrame,
  isRoomName,
  MAX_TAGS,
  type ServerFrame,
  ServerType,
  SystemEvent,
} from "../protocol";
import { type ConnectionStatus, RoomConnection } from "./connection";
import { $ } from "./dom";
import { MatchConnection, parseTags } from "./match-connection";
import {
  applyFrame,
  type ChatModel,
  emptyModel,
  fillGap,
  type GapLine,
  type Line,
  oldestId,
  prependOlder,
  sortedUsers,
  usersLine,
} from "./model";
import { Outbox, restoreItems } from "./outbox";
import { type PendingLabel, renderLine, renderPending, renderUsers } from "./render";

/**
 * The web app: a start screen at `/`, and a room at `/r/<room>`. Each room
 * has its own URL, so links can be shared and back and forward work.
 */

const NAME_KEY = "hallway:name";
const SESSION_KEY = "hallway:session";
/** Per tab and room: messages typed here and not yet acked survive a reload. */
const outboxKey = (room: string) => `hallway:outbox:${room}`;
/** Pages of 100 needed to close the largest gap the server's retention allows, and some spare. */
const MAX_GAP_PAGES = 20;

/** One id per browser: a reload or a second tab takes the same name back instead of being refused. */
function sessionId(): string {
  let id = localStorage.getItem(SESSION_KEY);
  if (!id) {
    id = crypto.randomUUID().replaceAll("-", "");
    localStorage.setItem(SESSION_KEY, id);
  }
  return id;
}

function roomFromPath(path: string): string | null {
  const match = /^\/r\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return null;
  const room = decodeURIComponent(match[1]);
  return isRoomName(room) ? room : null;
}

/** Close codes that end a visit, with what to tell the person on the start screen. */
const ENDINGS: Record<number, string> = {
  [CloseCode.normal]: "You left the room.",
  [CloseCode.kicked]: "You were removed from the room by its operator.",
  [CloseCode.banned]: "You are banned from this room.",
  [CloseCode.usernameTaken]: "That name is taken in this room; pick another.",
  [CloseCode.badRequest]: "That name cannot be used; pick another.",
  [CloseCode.forbidden]: "You may not join this room.",
};

class ChatView {
  readonly #model: ChatModel;
  readonly #connection: RoomConnection;
  readonly #lines = $<HTMLOListElement>("lines");
  readonly #log = $("log");
  readonly #input = $<HTMLInputElement>("input");
  readonly #notice = $("notice");
  readonly #older = $<HTMLButtonElement>("older");
  readonly #jump = $<HTMLButtonElement>("jump");
  readonly #pending = $<HTMLOListElement>("outbox");
  readonly #outbox: Outbox;
  /** Where unsent messages are kept across reloads; null in a stranger room, which a reload leaves for good. */
  readonly #outboxKey: string | null;
  /** Each line's element, so lines loaded into a gap can be put between them. */
  readonly #rendered = new WeakMap<Line, HTMLElement>();
  /** Welcomed on the current socket: messages may go out. */
  #ready = false;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  #showUsersReply = false;
  #lastError: ServerFrame | null = null;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  #abort = new AbortController();
  /** In stranger mode, who this conversation is with. */
  readonly #partner: string | null;

  constructor(
    room: string,
    requestedName: string,
    private readonly onEnd: (message: string) => void,
    stranger?: { token: string; partner: string; onNext: () => void },
  ) {
    this.#model = emptyModel(room);
    this.#partner = stranger?.partner ?? null;
    this.#outboxKey = stranger ? null : outboxKey(room);
    this.#outbox = new Outbox(this.#outboxKey ? restoreItems(sessionStorage.getItem(this.#outboxKey)) : []);
    $("room-title").textContent = stranger ? `Talking with ${stranger.partner}` : `#${room}`;
    document.title = stranger ? "Stranger · Hallway" : `#${room} · Hallway`;
    document.body.classList.toggle("stranger", Boolean(stranger));
    const next = $<HTMLButtonElement>("next");
    next.hidden = !stranger;
    this.#lines.replaceChildren();
    this.#renderPending();
    this.#older.hidden = true;
    this.#jump.hidden = true;
    this.#setNotice("");
    this.#renderUsers();

    const signal = this.#abort.signal;
    if (stranger) next.addEventListener("click", () => stranger.onNext(), { signal });
    $("composer").addEventListener("submit", (e) => this.#submit(e), { signal });
    this.#older.addEventListener("click", () => this.#loadOlder(), { signal });
    this.#jump.addEventListener("click", () => this.#scrollToEnd(), { signal });
    this.#log.addEventListener(
      "scroll",
      () => {
        if (this.#nearEnd()) this.#jump.hidden = true;
      },
      { signal },
    );
    $("users-toggle").addEventListener(
      "click",
      () => {
        const open = document.body.classList.toggle("show-users");
        $("users-toggle").setAttribute("aria-expanded", String(open));
      },
      { signal },
    );

    this.#connection = new RoomConnection(
      {
        origin: `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`,
        room,
        // After the first welcome, reconnect as the name the server gave (an Anon_ name included).
        username: () => this.#model.me ?? requestedName,
        session: sessionId(),
        since: () => this.#model.lastId,
        epoch: () => this.#model.epoch,
        ...(stranger ? { token: stranger.token } : {}),
      },
      {
        frames: (frames) => this.#onFrames(frames),
        status: (status, attempt) => this.#setStatus(status, attempt),
        ended: (code, reason) => this.#ended(code, reason),
      },
    );
    this.#input.focus();
  }

  /** Leaves the room; returns what to tell the person about messages not delivered, if any. */
  leave(): string {
    this.#abort.abort();
    clearTimeout(this.#holdTimer);
    this.#connection.close();
    const unsent = this.#outbox.items.length;
    if (unsent === 0) return "";
    const messages = unsent === 1 ? "1 message was" : `${unsent} messages were`;
    return this.#partner
      ? `${messages} not delivered to ${this.#partner}.`
      : `${messages} not delivered yet; kept for when you come back to #${this.#model.room} in this tab.`;
  }

  #onFrames(frames: ServerFrame[]): void {
    const stick = this.#nearEnd();
    let added = 0;
    for (const frame of frames) {
      if (frame.type === ServerType.error) {
        this.#onError(frame);
        continue;
      }
      if (frame.type === ServerType.ack) {
        if (this.#outbox.acked(frame.payload.clientId)) this.#outboxChanged();
        continue;
      }
      if (frame.type === ServerType.users && this.#showUsersReply) {
        this.#showUsersReply = false;
        this.#append([usersLine(frame.payload.users)]);
        added++;
      }
      if (frame.type === ServerType.system && frame.payload.event === SystemEvent.partnerLeft) {
        this.#setNotice(`${frame.payload.username} left the conversation. Press "Next stranger" to meet someone new.`);
      }
      const applied = applyFrame(this.#model, frame);
      if (frame.type === ServerType.welcome) this.#onWelcome();
      if (applied.reset) {
        this.#lines.replaceChildren();
        this.#setNotice("This room's history was reset; showing it from the start.", 8000);
      }
      if (applied.appended.length > 0) {
        this.#append(applied.appended);
        added += applied.appended.length;
      }
      if (applied.usersChanged) this.#renderUsers();
    }
    this.#older.hidden = !this.#model.hasOlder;
    this.#pump();
    if (added > 0) {
      if (stick) this.#scrollToEnd();
      else this.#jump.hidden = false;
    }
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
      this.#setNotice(
        `Slow down: your messages will go out as the room allows (${seconds(error.retryAfterMs)} s).`,
        6000,
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
    localStorage.setItem(NAME_KEY, this.#model.me ?? "");
    this.#input.maxLength = this.#model.maxMessageLength;
    this.#input.placeholder = this.#partner
      ? `Message ${this.#partner}`
      : `Message #${this.#model.room} as ${this.#model.me} — /help for commands`;
    // The sidebar needs the full list once; after that, notices keep it current.
    this.#connection.send({ type: ClientType.users, payload: {} });
  }

  #append(lines: Line[]): void {
    const fragment = document.createDocumentFragment();
    for (const line of lines) fragment.append(this.#elementFor(line));
    this.#lines.append(fragment);
  }

  #elementFor(line: Line): HTMLElement {
    let element = this.#rendered.get(line);
    if (!element) {
      element = renderLine(line);
      if (line.kind === "gap") {
        const gap = line;
        element.querySelector("button")?.addEventListener("click", () => this.#fillGap(gap));
      }
      this.#rendered.set(line, element);
    }
    return element;
  }

  /** Makes the list's elements match the model's lines, reusing the ones already there. */
  #syncLines(): void {
    const wanted = this.#model.lines.map((line) => this.#elementFor(line));
    const keep = new Set<Element>(wanted);
    for (const child of [...this.#lines.children]) if (!keep.has(child)) child.remove();
    let node = this.#lines.firstElementChild;
    for (const element of wanted) {
      if (element === node) node = node.nextElementSibling;
      else this.#lines.insertBefore(element, node);
    }
  }

  /** Loads what a resume skipped, page by page with `after=`, until the gap is closed. */
  async #fillGap(gap: GapLine): Promise<void> {
    const button = this.#rendered.get(gap)?.querySelector("button");
    if (button) button.disabled = true;
    try {
      let closed = false;
      for (let page = 0; page < MAX_GAP_PAGES && !closed; page++) {
        const res = await fetch(
          `/api/rooms/${encodeURIComponent(this.#model.room)}/history?after=${gap.after}&limit=${HISTORY_PAGE_MAX}`,
        );
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { messages: HistoryFrame[]; hasMore: boolean };
        closed = fillGap(this.#model, gap, body.messages, body.hasMore);
      }
      // An open gap now starts later: draw its button afresh.
      this.#rendered.delete(gap);
      this.#syncLines();
    } catch {
      this.#setNotice("Could not load the missed messages; try again.");
      if (button) button.disabled = false;
    }
  }

  #renderUsers(): void {
    $("count").textContent = String(this.#model.count);
    renderUsers($("user-list"), sortedUsers(this.#model), this.#model.me, (name) => {
      this.#input.value = `/msg ${name} `;
      this.#input.focus();
      document.body.classList.remove("show-users");
    });
  }

  #submit(event: Event): void {
    event.preventDefault();
    const text = this.#input.value;
    if (text.trim() === "") return;
    // A message is kept until acked, connected or not; a command needs the connection now.
    if (this.#outbox.add(text, Date.now())) {
      this.#input.value = "";
      this.#setNotice("");
      this.#outboxChanged();
      this.#pump();
      this.#scrollToEnd();
      return;
    }
    if (asksForUsers(text)) this.#showUsersReply = true;
    if (!this.#connection.sendRaw(encodeInput(text))) {
      this.#setNotice("Not connected — the command is still here; send it again once reconnected.");
      return;
    }
    this.#input.value = "";
    this.#setNotice("");
    this.#scrollToEnd();
  }

  async #loadOlder(): Promise<void> {
    const before = oldestId(this.#model);
    if (before === null) return;
    this.#older.disabled = true;
    try {
      const res = await fetch(`/api/rooms/${encodeURIComponent(this.#model.room)}/history?before=${before}&limit=50`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const page = (await res.json()) as { messages: HistoryFrame[]; hasMore: boolean };
      const lines = prependOlder(this.#model, page.messages, page.hasMore);
      // Keep the reader's place: what they were looking at stays where it was.
      const fromBottom = this.#log.scrollHeight - this.#log.scrollTop;
      const fragment = document.createDocumentFragment();
      for (const line of lines) fragment.append(this.#elementFor(line));
      this.#lines.prepend(fragment);
      this.#log.scrollTop = this.#log.scrollHeight - fromBottom;
    } catch {
      this.#setNotice("Could not load older messages; try again.");
    } finally {
      this.#older.disabled = false;
      this.#older.hidden = !this.#model.hasOlder;
    }
  }

  #showError(code: string, message: string, retryAfterMs?: number): void {
    const text =
      code === ErrorCode.rateLimited && retryAfterMs !== undefined
        ? `Slow down: you can send again in ${seconds(retryAfterMs)} s.`
        : message.charAt(0).toUpperCase() + message.slice(1);
    this.#setNotice(text, 6000);
  }

  #setNotice(text: string, clearAfterMs?: number): void {
    clearTimeout(this.#noticeTimer);
    this.#notice.textContent = text;
    if (clearAfterMs) {
      this.#noticeTimer = setTimeout(() => {
        this.#notice.textContent = "";
      }, clearAfterMs);
    }
  }

  #setStatus(status: ConnectionStatus, attempt: number): void {
    if (status !== "open") {
      // Whatever was on the wire goes again, with the same clientId, once welcomed back.
      this.#ready = false;
      this.#outbox.disconnected();
      this.#renderPending();
    }
    const label: Record<ConnectionStatus, string> = {
      connecting: "connecting…",
      open: "connected",
      reconnecting: attempt > 1 ? `reconnecting (try ${attempt})…` : "reconnecting…",
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
    this.onEnd(ENDINGS[code] ?? (error || reason || "Disconnected."));
  }

  #nearEnd(): boolean {
    return this.#log.scrollHeight - this.#log.scrollTop - this.#log.clientHeight < 80;
  }

  #scrollToEnd(): void {
    this.#log.scrollTop = this.#log.scrollHeight;
    this.#jump.hidden = true;
  }
}

function seconds(ms = 1000): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

let current: ChatView | null = null;
let stranger: MatchConnection | null = null;

const socketOrigin = () => `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;

function show(screen: "start" | "chat" | "waiting"): void {
  for (const id of ["start", "chat", "waiting"]) $(id).hidden = id !== screen;
}

function showStart(message = "", room?: string): void {
  const unsent = current?.leave() ?? "";
  current = null;
  stranger?.close();
  stranger = null;
  document.title = "Hallway";
  document.body.classList.remove("stranger");
  show("start");
  $("start-error").textContent = [message, unsent].filter(Boolean).join(" ");
  const roomInput = $<HTMLInputElement>("start-room");
  if (room) roomInput.value = room;
  const nameInput = $<HTMLInputElement>("start-name");
  if (!nameInput.value) nameInput.value = localStorage.getItem(NAME_KEY) ?? "";
  (message ? nameInput : roomInput).focus();
}

/** Stranger mode: wait in the matchmaker's queue, chat in a private room, "next" to go again. */
function showStranger(): void {
  current?.leave();
  current = null;
  stranger?.close();
  const name = $<HTMLInputElement>("start-name").value.trim() || localStorage.getItem(NAME_KEY) || "";
  const interests = {
    tags: parseTags($<HTMLInputElement>("start-tags").value).slice(0, MAX_TAGS),
    wants: parseTags($<HTMLInputElement>("start-wants").value).slice(0, MAX_TAGS),
  };
  const waiting = () => {
    const unsent = current?.leave() ?? "";
    current = null;
    document.title = "Finding someone… · Hallway";
    $("waiting-status").textContent = "connecting to the matchmaker…";
    $("waiting-error").textContent = unsent;
    show("waiting");
  };
  const queue = new MatchConnection(socketOrigin(), { username: name, session: sessionId() }, interests, {
    waiting: (position, total) => {
      $("waiting-status").textContent =
        position > 0 ? `You are number ${position} of ${total} waiting.` : "Waiting for someone…";
    },
    matched: ({ room, token, partner }) => {
      show("chat");
      current = new ChatView(room, name, (message) => showStart(message), {
        token,
        partner,
        onNext: () => {
          waiting();
          queue.queue();
        },
      });
    },
    error: (_code, message) => {
      $("waiting-error").textContent = message;
    },
  });
  stranger = queue;
  waiting();
  queue.queue();
}

function showRoom(room: string): void {
  current?.leave();
  stranger?.close();
  stranger = null;
  show("chat");
  const name = $<HTMLInputElement>("start-name").value.trim() || localStorage.getItem(NAME_KEY) || "";
  current = new ChatView(room, name, (message) => {
    // A refused or ended visit goes back to the start screen, at its own URL.
    history.pushState(null, "", "/");
    showStart(message, room);
  });
}

function route(): void {
  const room = roomFromPath(location.pathname);
  if (location.pathname === "/stranger") showStranger();
  else if (room) showRoom(room);
  else showStart("", undefined);
}

function main(): void {
  $("start-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const room = $<HTMLInputElement>("start-room").value.trim();
    if (!isRoomName(room)) {
      $("start-error").textContent = "A room name is 1-64 letters, digits, _ or -.";
      return;
    }
    localStorage.setItem(NAME_KEY, $<HTMLInputElement>("start-name").value.trim());
    history.pushState(null, "", `/r/${encodeURIComponent(room)}`);
    showRoom(room);
  });
  $("start-stranger").addEventListener("click", () => {
    localStorage.setItem(NAME_KEY, $<HTMLInputElement>("start-name").value.trim());
    history.pushState(null, "", "/stranger");
    showStranger();
  });
  $("waiting-cancel").addEventListener("click", () => {
    history.pushState(null, "", "/");
    showStart();
  });
  $("back").addEventListener("click", (event) => {
    event.preventDefault();
    history.pushState(null, "", "/");
    showStart();
  });
  window.addEventListener("popstate", route);
  route();
}

main();
