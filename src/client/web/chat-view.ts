import { ClientType, ErrorCode, nameKey, type ServerFrame, ServerType, SystemEvent } from "../../protocol";
import { type ConnectionStatus, RoomConnection } from "../core/connection";
import { endingText } from "../core/endings";
import type { TimerClock } from "../core/heartbeat";
import { plainText } from "../core/markdown";
import {
  applyFrame,
  type ChatModel,
  emptyModel,
  isFromOthers,
  type Line,
  PEOPLE_LISTED,
  partnerOf,
  sortedUsers,
  usersLine,
} from "../core/model";
import type { Account, AccountApi } from "./account-api";
import { claimedNameText, signedOutText } from "./account-words";
import { Attention } from "./attention";
import { $ } from "./dom";
import { ClaimPane } from "./panes/claim";
import { ComposerPane } from "./panes/composer";
import { ConversationsPane } from "./panes/conversations";
import { NoticesPane } from "./panes/notices";
import { PeoplePane } from "./panes/people";
import { TimelinePane } from "./panes/timeline";
import { errorText } from "./status";

export interface StrangerChat {
  token: string;
  partner: string;
  onNext: () => void;
}

/** Why a visit ended, when the start screen should do more than say it: both point at signing in. */
export type EndReason = "name_claimed" | "signed_out";

/** The app's account, as a visit needs it: the API, and who to tell when this browser signs in. */
export interface AccountLink {
  readonly api: AccountApi;
  /** The account this browser is signed in to, as last known; null when anonymous. */
  current(): Account | null;
  signedIn(account: Account): void;
}

export interface ChatOptions {
  room: string;
  requestedName: string;
  session: string;
  /** Called once the name the server gave is known. */
  named: (name: string) => void;
  onEnd: (message: string, reason?: EndReason) => void;
  account: AccountLink;
  stranger?: StrangerChat;
  /** Where the heartbeat's timers run (see ticker.ts); the page's own timers when absent. */
  clock?: TimerClock;
  /** v1.9: a conversation with this account (`/talk/<name>`) rather than a room; `room` is then only a key for what is kept. */
  talk?: string;
  /** The socket was welcomed (each time): the room is held by this view now. */
  welcomed?: () => void;
  /** The reader saw everything up to `id` (a conversation tells its account). */
  read?: (id: number) => void;
  /** A signed-in viewer starts a conversation with a signed-in person from the people list. */
  openTalk?: (name: string) => void;
  /** v1.9: a message to show once the room's history is in (a search result chosen in another room). */
  show?: number;
}

/**
 * One visit to a room (or a stranger chat). It holds the model and the
 * connection, hands each server frame to the panes it concerns (timeline,
 * composer, people, conversations, notices) and wires the panes to one another.
 */
/** How long a note about what was left behind stays. */
const NOTE_MS = 15_000;

export class ChatView {
  readonly #model: ChatModel;
  readonly #connection: RoomConnection;
  readonly #room: string;
  /** In stranger mode, who this conversation is with. */
  readonly #partner: string | null;
  readonly #abort = new AbortController();
  readonly #attention: Attention;
  readonly #notices: NoticesPane;
  readonly #conversations: ConversationsPane;
  readonly #timeline: TimelinePane;
  readonly #composer: ComposerPane;
  readonly #people: PeoplePane;
  readonly #claim: ClaimPane;
  /** Welcomed on the current socket: messages may go out. */
  #ready = false;
  #showUsersReply = false;
  #lastError: ServerFrame | null = null;
  #partnerGone = false;
  /** v1.9: a search result to show, waiting for the first replay (the room's newest) to be in. */
  #wanted: number | null;

  constructor(private readonly options: ChatOptions) {
    const { room, stranger } = options;
    this.#wanted = options.show ?? null;
    this.#room = room;
    this.#model = emptyModel(room);
    this.#partner = stranger?.partner ?? null;
    const signal = this.#abort.signal;
    this.#attention = new Attention(signal);
    document.body.classList.toggle("stranger", Boolean(stranger));
    document.body.classList.remove("partner-gone");
    $("next").hidden = !stranger;
    $("next").classList.remove("primary");
    document.body.classList.toggle("talk", Boolean(options.talk));
    $("room-topic").hidden = true;
    this.#conversations = new ConversationsPane(
      room,
      this.#partner,
      (partner) => {
        this.#showConversation(partner);
        this.#people.closeDrawer();
      },
      signal,
      options.talk ?? null,
    );
    const model = this.#model;
    const current = () => this.#conversations.current;
    this.#timeline = new TimelinePane(
      {
        model,
        room,
        stranger: this.#partner !== null,
        ...(options.talk
          ? { history: `/api/conversations/${encodeURIComponent(options.talk)}/history`, read: options.read }
          : {}),
        current,
        visible: () => this.#visible(),
        say: (text, ms) => this.#notices.say(text, ms),
        act: (frame) => this.#composer.act(frame),
        reply: (line) => this.#composer.composer.reply(line),
        edit: (line) => this.#composer.composer.edit(line),
        type: (text) => this.#composer.composer.type(text),
      },
      signal,
    );
    this.#notices = new NoticesPane(() => current() === null);
    this.#composer = new ComposerPane(
      room,
      {
        model,
        current,
        ready: () => this.#ready,
        people: () =>
          sortedUsers(model)
            .map((u) => u.username)
            .filter((n) => !this.#isMe(n)),
        send: (frame) => this.#connection.send(frame),
        sendMessage: (frame) => this.#connection.sendMessage(frame),
        sendRaw: (text) => this.#connection.sendRaw(text),
        say: (text, ms, aboutSending) => this.#notices.say(text, ms, aboutSending),
        aboutSending: () => this.#notices.aboutSending,
        askedForUsers: () => {
          this.#showUsersReply = true;
        },
        sent: () => this.#timeline.scrollToEnd(),
      },
      signal,
    );
    this.#people = new PeoplePane((name) => this.#showConversation(name), signal, {
      signedIn: () => options.account.current() !== null,
      ...(options.openTalk ? { open: options.openTalk } : {}),
    });
    this.#claim = new ClaimPane(
      {
        api: options.account.api,
        name: () => this.#model.me,
        signedIn: (account, claimed) => this.#signedIn(account, claimed),
      },
      signal,
    );
    this.#showConversation(null);
    this.#composer.renderPending();
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
        ...(options.talk ? { path: `/talk/${encodeURIComponent(options.talk)}` } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      },
      {
        frames: (frames) => this.#onFrames(frames),
        status: (status, attempt) => this.#setStatus(status, attempt),
        ended: (code, reason) => this.#ended(code, reason),
      },
    );
    this.#composer.composer.focus();
  }

  /** What belongs to no one pane: the stranger's "Next", Escape, the page's visibility and the network. */
  #wire(signal: AbortSignal, stranger: StrangerChat | undefined): void {
    type Events = WindowEventMap & DocumentEventMap;
    const on = <K extends keyof Events>(target: EventTarget, type: K, handler: (e: Events[K]) => void) =>
      target.addEventListener(type, handler as EventListener, { signal });
    if (stranger) on($("next"), "click", () => stranger.onNext());
    on($("reconnect"), "click", () => this.#connection.reconnectNow());
    on(document, "keydown", (e) => {
      if (e.key !== "Escape") return;
      if (this.#timeline.actions.pickerOpen) this.#timeline.actions.closePicker();
      else if (this.#people.drawerOpen) this.#people.closeDrawer();
    });
    on(document, "visibilitychange", () => {
      if (document.hidden) {
        this.#timeline.lookedAway();
      } else {
        // What arrived in the open conversation while hidden has now been seen.
        this.#conversations.list.seen();
        this.#conversations.render();
        this.#timeline.markRead();
        // Timers in a hidden tab are slowed down: a reconnect that waited may go now.
        this.#connection.reconnectNow();
      }
    });
    on(window, "online", () => this.#connection.reconnectNow());
  }

  /** Leaves the room; returns what to tell the person about messages not delivered, if any. */
  leave(): string {
    this.#stop();
    this.#connection.close();
    // A stranger conversation left on purpose is over: nothing typed there is ever sent to anyone.
    const lost = this.#filesLost();
    const unsent = this.#composer.leave(this.#partner !== null);
    if (unsent === 0) return lost;
    const messages = unsent === 1 ? "1 message was" : `${unsent} messages were`;
    const said = this.#partner
      ? `${messages} not delivered to ${this.#partner}.`
      : `${messages} not delivered yet; kept for when you come back to #${this.#room} in this tab.`;
    return lost === "" ? said : `${said} ${lost}`;
  }

  /**
   * Lets go of this view's socket without leaving (v1.9): the room stays
   * joined through its watch, so nobody there sees anything. What was not
   * delivered stays kept for this tab, as on a reload; files not sent are
   * dropped, and said in the words returned.
   */
  release(): string {
    // Files picked here go with this view (their slots are this socket's): said, never dropped unsaid.
    const lost = this.#filesLost(` in #${this.#room}`);
    this.#stop();
    this.#connection.release();
    this.#composer.leave(false);
    return lost;
  }

  /** Something to say on arriving, about what was left behind elsewhere. */
  note(text: string): void {
    this.#notices.say(text, NOTE_MS);
  }

  /** Files waiting in the composer, in words, as they are about to be dropped. */
  #filesLost(where = ""): string {
    const files = this.#composer.files;
    return files === 0
      ? ""
      : `${files === 1 ? "1 file" : `${files} files`} picked${where} ${files === 1 ? "was" : "were"} not sent.`;
  }

  /** The view goes: what was seen is marked read, and nothing of it acts on the page any more. */
  #stop(): void {
    this.#timeline.markRead();
    this.#abort.abort();
    this.#notices.close();
    this.#timeline.actions.closePicker();
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

  #onFrames(frames: ServerFrame[]): void {
    const stick = this.#timeline.nearEnd();
    let added = 0;
    let changed = false;
    for (const frame of frames) {
      if (frame.type === ServerType.uploadSlot) {
        this.#composer.slot(frame.payload);
        continue;
      }
      if (frame.type === ServerType.error) {
        if (this.#composer.fileRefused(frame.payload)) continue;
        // Kept to explain a close that may follow (a refused join); a refused message explains itself.
        if (this.#composer.refused(frame.payload).kind === "other") {
          this.#lastError = frame;
          const { code, message, retryAfterMs } = frame.payload;
          this.#notices.say(errorText(code, message, retryAfterMs), 6000);
        }
        continue;
      }
      if (frame.type === ServerType.ack) {
        this.#composer.acked(frame.payload.clientId);
        continue;
      }
      if (frame.type === ServerType.typing) {
        if (!this.#isMe(frame.payload.username)) this.#notices.typingSeen(frame.payload.username);
        else this.#notices.drawTyping();
        continue;
      }
      if (frame.type === ServerType.users && this.#showUsersReply) {
        this.#showUsersReply = false;
        const line = usersLine(frame.payload.users);
        this.#model.lines.push(line);
        changed = true;
        added++;
      }
      if (frame.type === ServerType.system) {
        this.#onSystem(frame.payload.event, frame.payload.username);
        if (frame.payload.event === SystemEvent.topic) this.#showTopic(frame.payload.topic ?? "");
      }
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
      if (frame.type === ServerType.welcome) {
        this.#onWelcome();
        this.#showTopic(frame.payload.topic ?? "");
      }
      // A `/nick` that took is kept, so the next visit asks for the new name.
      if (frame.type === ServerType.renamed) this.options.named(frame.payload.username);
      if (frame.type === ServerType.history) this.#timeline.historyArrived();
      if (applied.reset) {
        this.#timeline.cleared();
        this.#notices.say("This room's history was reset; showing it from the start.", 8000);
      }
      if (this.#model.operator !== wasOperator) this.#timeline.redrawMessages();
      for (const line of applied.updated ?? []) {
        this.#timeline.updated(line);
        if (line.deleted) this.#composer.composer.forget(line.id);
      }
      if (applied.appended.length > 0) {
        changed = true;
        const live = frame.type === ServerType.chatMessage || frame.type === ServerType.dm;
        for (const line of applied.appended) {
          // Every DM, sent or received, live or replayed, belongs to a conversation.
          const partner = partnerOf(line);
          if (partner !== null && this.#conversations.list.add(partner)) this.#conversations.render();
          if (live) this.#arrived(line);
          added += this.#conversations.list.isShown(partnerOf(line)) ? 1 : 0;
        }
      }
      if (applied.usersChanged) this.#renderUsers();
    }
    if (changed) this.#timeline.sync();
    this.#timeline.showOlder();
    this.#composer.pump();
    if (added > 0) this.#timeline.added(stick);
    this.#timeline.markRead();
    this.#showWanted();
  }

  /** v1.9: shows the message `id` of this room (a search result), focused, with what was said around it. */
  showMessage(id: number): void {
    this.#wanted = id;
    this.#showWanted();
  }

  #showWanted(): void {
    const id = this.#wanted;
    if (id === null || !this.#timeline.historySeen) return;
    this.#wanted = null;
    if (this.#conversations.current !== null) this.#showConversation(null);
    void this.#timeline.showMessage(id);
  }

  /** A live message or DM arrived: typing, unread counts, the title and notifications. */
  #arrived(line: Line): void {
    if (line.kind === "message") this.#notices.typingStopped(line.username);
    if (!isFromOthers(line)) return;
    const partner = partnerOf(line);
    if (partner !== null || this.#conversations.current !== null) {
      this.#conversations.list.arrived(partner, document.hidden);
      this.#conversations.render();
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
      this.#notices.typingStopped(username);
    }
    if (event === SystemEvent.partnerLeft) this.#partnerLeft(username);
  }

  /** v1.9: the room's topic under its name, as welcomed and as changed since. */
  #showTopic(topic: string): void {
    const line = $("room-topic");
    line.textContent = topic;
    line.title = topic;
    line.hidden = topic === "";
  }

  #partnerLeft(username: string): void {
    this.#partnerGone = true;
    document.body.classList.add("partner-gone");
    $("room-title").textContent = `${username} left`;
    $("next").classList.add("primary");
    this.#composer.composer.setEnabled(false, "This conversation has ended");
    this.#notices.say(`${username} left the conversation. Press "Next stranger" to meet someone new.`);
    $("next").focus();
  }

  #onWelcome(): void {
    this.#ready = true;
    this.options.named(this.#model.me ?? "");
    this.options.welcomed?.();
    this.#showClaim();
    this.#placeholder();
    // The sidebar needs a list once per connection; after that, notices and presence keep it current.
    // Never more: each list costs the room its people, and a crowd that asked
    // whenever a presence frame left names out would ask all at once.
    this.#connection.send({ type: ClientType.users, payload: { limit: PEOPLE_LISTED } });
  }

  /**
   * This browser signed in from the room: the socket connects again with the
   * same session, so the room takes the join as signed in and upgrades the
   * member in place; the next welcome brings the mark.
   */
  #signedIn(account: Account, claimed: boolean): void {
    this.options.account.signedIn(account);
    const what = claimed ? `“${account.name}” is yours now` : `Signed in as ${account.name}`;
    this.#notices.tell(`${what}; joining again signed in…`, 6000);
    this.#showClaim();
    this.#connection.rejoin();
  }

  /** The app learned who this browser is signed in as (or that it is not). */
  accountChanged(): void {
    this.#showClaim();
  }

  /** Claiming is offered in a room, while this browser is neither signed in nor welcomed as verified. */
  #showClaim(): void {
    if (this.#partner) return;
    const signedIn = this.#model.verified || this.options.account.current() !== null;
    this.#claim.show(this.#model.me, this.#model.verified, signedIn);
  }

  #placeholder(): void {
    if (this.#partnerGone) return;
    this.#composer.composer.setEnabled(true, this.#conversations.placeholder());
  }

  #renderUsers(): void {
    this.#people.render(this.#model);
    this.#composer.composer.peopleChanged();
  }

  /** Shows the room (null) or the private conversation with `partner`. */
  #showConversation(partner: string | null): void {
    if (partner !== null && this.#isMe(partner)) return;
    const changed = this.#conversations.list.show(partner);
    const { composer } = this.#composer;
    if (changed && composer.mode.kind !== "new") composer.cancel();
    this.#attention.base = this.#conversations.present(partner, this.#partnerGone);
    this.#timeline.showOlder();
    this.#notices.typingCleared();
    this.#placeholder();
    this.#timeline.sync();
    this.#conversations.render();
    if (changed) {
      this.#timeline.scrollToEnd();
      composer.focus();
    }
  }

  #setStatus(status: ConnectionStatus, attempt: number): void {
    if (status !== "open") {
      // Whatever was on the wire goes again, with the same clientId, once welcomed back.
      this.#ready = false;
      this.#composer.disconnected();
    }
    this.#notices.connection(status, attempt);
  }

  #ended(code: number, reason: string): void {
    this.#setStatus("closed", 0);
    this.#abort.abort();
    const error = this.#lastError?.type === ServerType.error ? this.#lastError.payload : null;
    if (error?.code === ErrorCode.nameClaimed) {
      this.options.onEnd(claimedNameText(this.#model.me ?? (this.options.requestedName || null)), "name_claimed");
      return;
    }
    if (error?.code === ErrorCode.signedOut) {
      this.options.onEnd(signedOutText(error.message), "signed_out");
      return;
    }
    this.options.onEnd(endingText(code, reason, error, this.#partner !== null));
  }
}
