import {
  asksForUsers,
  type ClientFrame,
  ClientType,
  type ErrorPayload,
  encodeInput,
  type ServerPayloads,
} from "../../../protocol";
import { type ChatModel, lastOwnMessage, type MessageLine } from "../../core/model";
import { type ActionFrame, actionLine, messageFrame, newClientId, type QueuedFrame } from "../../core/queued-frames";
import { type Refusal, restoreItems, SendQueue } from "../../core/send-queue";
import { TypingPacer } from "../../core/typing";
import { type ComposeMode, Composer } from "../composer";
import { $ } from "../dom";
import { type PendingLabel, renderPending } from "../render";
import { UploadsPane } from "../uploads";
import { wholeSeconds } from "../wait";

/** Per tab and room: what was sent and not yet acked survives a reload. */
const queueKey = (room: string) => `hallway:outbox:${room}`;

export interface ComposerHost {
  readonly model: ChatModel;
  /** The conversation shown: null for the room. */
  current(): string | null;
  /** Welcomed on the current socket: what waits may go out. */
  ready(): boolean;
  /** Everyone here but the reader, for @ completion. */
  people(): string[];
  /** Puts a frame on the wire; false when there is no open connection. */
  send(frame: ClientFrame): boolean;
  /** The same for a queued entry, which the heartbeat then expects an answer to. */
  sendMessage(frame: QueuedFrame): boolean;
  sendRaw(text: string): boolean;
  say(text: string, clearAfterMs?: number, aboutSending?: boolean): void;
  /** Whether the notice shown is about sending, and so stale once nothing waits. */
  aboutSending(): boolean;
  /** A typed `/users`: its reply is shown in the log. */
  askedForUsers(): void;
  /** Something was sent: the log follows it. */
  sent(): void;
}

/**
 * Where the reader writes: the text box, what was sent and not yet acked
 * (shown under the log, kept in sessionStorage), and the typing notices the
 * room is told about. Messages and message actions go through the one send
 * queue, connected or not; a command needs the connection at once.
 */
export class ComposerPane {
  readonly composer: Composer;
  readonly #queue: SendQueue;
  readonly #key: string;
  readonly #pending = $<HTMLOListElement>("outbox");
  readonly #pacer = new TypingPacer();
  readonly #files: UploadsPane;
  /** Send was pressed while files were still uploading: the message goes once they are in. */
  #sendWhenReady = false;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  #typingSendTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    room: string,
    private readonly host: ComposerHost,
    signal: AbortSignal,
  ) {
    this.#key = queueKey(room);
    this.#queue = new SendQueue(restoreItems(sessionStorage.getItem(this.#key)));
    this.composer = new Composer(
      {
        maxLength: () => host.model.maxMessageLength,
        people: () => host.people(),
        lastOwn: () => (host.current() === null ? lastOwnMessage(host.model) : null),
        submit: (text, mode) => this.#submit(text, mode),
        typing: () => this.#sendTyping(),
        refuse: (reason) => host.say(reason),
        hasFiles: () => this.#files.count > 0,
      },
      signal,
    );
    this.#files = new UploadsPane({ send: (frame) => host.send(frame), changed: () => this.#filesChanged() }, signal);
    this.composer.setEnabled(true);
    $("composer").addEventListener(
      "submit",
      (e) => {
        e.preventDefault();
        this.composer.send();
      },
      { signal },
    );
  }

  /** An action on a message (edit, delete, react) waits in the send queue like a message, connected or not. */
  act(frame: ActionFrame): boolean {
    this.#queue.addFrame(frame, actionLine(frame), Date.now());
    this.#changed();
    this.pump();
    return true;
  }

  /** Puts the next waiting entry on the wire, one at a time, when connected and the rate limit allows. */
  pump(): void {
    clearTimeout(this.#holdTimer);
    if (!this.host.ready()) return;
    const now = Date.now();
    const item = this.#queue.next(now);
    if (item) {
      if (!this.host.sendMessage(item.frame)) return;
      this.#queue.sending(item.clientId);
      this.#changed();
    } else if (this.#queue.heldUntil > now && this.#queue.unsent > 0) {
      this.#holdTimer = setTimeout(() => this.pump(), this.#queue.heldUntil - now);
    }
  }

  acked(clientId: string): void {
    if (this.#queue.acked(clientId)) this.#changed();
  }

  /** An error frame: an entry of ours refused (said here), or "other" for the caller to explain. */
  refused(error: ErrorPayload): Refusal {
    const refusal = this.#queue.refused(error, Date.now());
    if (refusal.kind === "other") return refusal;
    if (refusal.kind === "dropped") this.host.say(`Not done: ${error.message}.`, 6000);
    if (refusal.kind === "retry") {
      // Stays until everything waiting went out, then goes by itself.
      this.host.say(
        `Slow down: your messages will go out as the room allows (${wholeSeconds(error.retryAfterMs)} s).`,
        undefined,
        true,
      );
    }
    this.#changed();
    return refusal;
  }

  /** v1.10: the room granted an upload slot. */
  slot(slot: ServerPayloads["uploadSlot"]): void {
    this.#files.granted(slot);
  }

  /** v1.10: an error frame that refused an upload slot of ours: shown by that file, true. */
  fileRefused(error: ErrorPayload): boolean {
    return this.#files.refused(error);
  }

  /** The connection is gone: whatever was on the wire goes again, with the same clientId, once welcomed back. */
  disconnected(): void {
    this.#files.disconnected();
    this.#queue.disconnected();
    this.renderPending();
  }

  /** v1.10: files picked and not yet sent in a message; they do not outlive this view. */
  get files(): number {
    return this.#files.count;
  }

  /** Leaving: how many entries were never delivered. A stranger conversation left on purpose keeps none. */
  leave(forget: boolean): number {
    clearTimeout(this.#holdTimer);
    clearTimeout(this.#typingSendTimer);
    if (forget) sessionStorage.removeItem(this.#key);
    return this.#queue.items.length;
  }

  renderPending(): void {
    const now = Date.now();
    const label = (state: string): PendingLabel => {
      if (state === "failed") return "failed";
      if (state === "sending") return "sending";
      if (!this.host.ready()) return "waiting";
      return this.#queue.heldUntil > now ? "held" : "sending";
    };
    this.#pending.replaceChildren(
      ...this.#queue.items.map((item) =>
        renderPending(item, label(item.state), (action, clientId) => {
          if (action === "retry") this.#queue.retry(clientId);
          else this.#queue.discard(clientId);
          this.#changed();
          this.pump();
        }),
      ),
    );
  }

  /** Saves and redraws what waits after any change. */
  #changed(): void {
    const items = this.#queue.items;
    if (items.length === 0) sessionStorage.removeItem(this.#key);
    else sessionStorage.setItem(this.#key, JSON.stringify(items));
    // A notice about sending is stale once nothing is waiting any more.
    if (this.host.aboutSending() && this.#queue.unsent === 0) this.host.say("");
    this.renderPending();
  }

  #submit(text: string, mode: ComposeMode): boolean {
    if (mode.kind === "edit") return this.#sendEdit(mode.line, text);
    const current = this.host.current();
    const command = text.startsWith("/") && !text.startsWith("//");
    let typed = text;
    if (!command && current !== null) typed = `/msg ${current} ${text.startsWith("//") ? text.slice(1) : text}`;
    const replyTo = mode.kind === "reply" && current === null ? mode.line.id : undefined;
    if (!command && this.#files.count > 0) {
      if (current !== null) {
        this.host.say("Files go to the room, not in a private conversation: send them from the room.");
        return false;
      }
      return this.#sendWithFiles(text, replyTo);
    }
    // A message is kept until acked, connected or not; a command needs the connection now.
    if (this.#queue.add(typed, Date.now(), undefined, replyTo)) {
      this.host.say("");
      this.#changed();
      this.pump();
      this.host.sent();
      return true;
    }
    if (asksForUsers(text)) this.host.askedForUsers();
    if (!this.host.sendRaw(encodeInput(text))) {
      this.host.say("Not connected — the command is still here; send it again once reconnected.");
      return false;
    }
    this.host.say("");
    this.host.sent();
    return true;
  }

  /**
   * A message with the files in the composer: sent once all are uploaded.
   * Until then the text stays where it was typed, and a failed file keeps
   * the message back, so neither goes without the other.
   */
  #sendWithFiles(text: string, replyTo: number | undefined): boolean {
    const status = this.#files.status();
    this.#sendWhenReady = status.kind === "uploading";
    if (status.kind === "failed") {
      this.host.say("Not sent: a file did not upload. Retry it or cancel it, then send again.");
      return false;
    }
    if (status.kind === "uploading") {
      this.host.say("Sending once the files are uploaded…", undefined, true);
      return false;
    }
    const names = this.#files.names();
    const attachments = this.#files.take();
    if (!attachments) return false;
    const clientId = newClientId();
    const words = text.trim() === "" ? null : messageFrame(text, clientId, replyTo);
    const answers = replyTo === undefined ? {} : { replyTo };
    const payload = words?.type === ClientType.chatMessage ? words.payload : { message: "", clientId, ...answers };
    const frame = { type: ClientType.chatMessage, payload: { ...payload, attachments } };
    this.#queue.addFrame(frame, text.trim() === "" ? `📎 ${names}` : text, Date.now());
    this.host.say("");
    this.#changed();
    this.pump();
    this.host.sent();
    return true;
  }

  /** A file finished or failed: a message waiting for the files goes, or says why it cannot. */
  #filesChanged(): void {
    if (!this.#sendWhenReady || this.#files.status().kind === "uploading") return;
    this.#sendWhenReady = false;
    // An edit begun meanwhile is not what Send was pressed for: the message waits for the next Send.
    if (this.composer.mode.kind !== "edit") this.composer.send();
  }

  #sendEdit(line: MessageLine, text: string): boolean {
    if (text === line.text) return true;
    return this.act({ type: ClientType.edit, payload: { id: line.id, message: text, clientId: newClientId() } });
  }

  /**
   * A keystroke in a room message. The room passes on one notice per 2 s, so
   * one that comes too soon after the last is not sent but held: it goes when
   * the 2 s are up, if the person is still writing something.
   */
  #sendTyping(): void {
    if (this.host.current() !== null || !this.host.ready()) return;
    const now = Date.now();
    if (this.#pacer.typed(now)) {
      clearTimeout(this.#typingSendTimer);
      this.#typingSendTimer = undefined;
      this.host.send({ type: ClientType.typing, payload: {} });
    } else if (this.#typingSendTimer === undefined) {
      this.#typingSendTimer = setTimeout(() => {
        this.#typingSendTimer = undefined;
        const text = this.composer.text;
        if (text.trim() !== "" && !text.startsWith("/") && this.composer.mode.kind !== "edit") this.#sendTyping();
      }, this.#pacer.wait(now));
    }
  }
}
