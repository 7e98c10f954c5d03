import {
  ClientType,
  clientFrame,
  ErrorCode,
  type ErrorPayload,
  nameKey,
  PRIVATE_ROOM_PREFIX,
  type ServerFrame,
  type ServerPayloads,
  ServerType,
  SystemEvent,
} from "../../protocol";
import { RoomConnection } from "../core/connection";
import { missedRange } from "../core/model";
import { SendQueue } from "../core/send-queue";
import { serverKey } from "./credentials";
import {
  formatFrame,
  type LineOptions,
  mentionsMe,
  type Palette,
  reactionLine,
  roomLabel,
  skippedNotice,
  updateLines,
} from "./format";
import type { CliOptions } from "./options";
import { type Attempt, describeFailure, type FirstContact, shownUrl, watchedSockets } from "./reach";
import { clientCommands } from "./room-commands";
import { MessageLog } from "./seen-messages";
import { type SlotAnswer, SlotRequests } from "./slot-requests";
import { bearerHeaders } from "./token-choice";
import type { SlotRequest } from "./upload";
import { oneLine, plural } from "./words";

/** How long the room may take to answer a request for an upload slot. */
export const SLOT_ANSWER_MS = 15_000;

/** What a visit needs from the run around it: where to write, and what to tell it. */
export interface RoomVisitHost {
  readonly options: CliOptions;
  readonly session: string;
  readonly palette: Palette;
  /** Whether the server was ever reached; until then a failed try counts towards giving up. */
  readonly contact: FirstContact;
  /** A line of the room, on standard output. */
  print(line: string): void;
  /** A line about the connection, on standard error. */
  status(line: string): void;
  /** A try that failed before the connection was ever made. */
  failedTry(url: string, reason: string): void;
  /** Lines typed and not yet taken, kept through a reconnect. */
  waitingLines(): number;
  /** Something was delivered: a run waiting out its input keeps waiting. */
  acked(): void;
  /** The room may take more: move typed lines on. */
  pump(): void;
  /** The name the room gave (on the welcome or a `/nick`), for the prompt. */
  named(name: string): void;
  /** A live message named the reader. */
  mentioned(): void;
  /** In stranger mode, the partner left. */
  partnerLeft(): void;
  /** The room closed for good. */
  ended(visit: RoomVisit, code: number, reason: string): void;
}

/** One visit to one room: its connection, what was seen, and what waits to be delivered. */
export class RoomVisit {
  me: string | null = null;
  /** The author id the welcome gave (v1.8): messages carrying it are this person's. */
  authorId: string | undefined;
  lastId = 0;
  epoch: string | null = null;
  welcomed = false;
  /**
   * Why the room will not have us: a refusal that came before the welcome, or
   * a ban made while here (the same error, just before its close), which says
   * how long the ban lasts.
   */
  refusal: ErrorPayload | null = null;
  /** Messages, edits, deletions and reactions until acked; lines typed after them wait, so nothing overtakes them. */
  readonly queue = new SendQueue();
  readonly messages = new MessageLog();
  readonly connection: RoomConnection;
  /** v1.10: upload slots asked for and not yet answered. */
  readonly #slots = new SlotRequests();
  /** v1.10: the `/upload` under way, as typed, and how to stop it when the visit ends. */
  #upload: { typed: string; abort: AbortController } | null = null;
  #attempt: Attempt | null = null;
  /** The last reason printed for a failed reconnect, so repeated failures print it once. */
  #lastSaid: string | null = null;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: RoomVisitHost,
    readonly room: string,
    /** The matchmaker's ticket, for a stranger room. */
    ticket: string | undefined,
  ) {
    const { options } = host;
    this.connection = new RoomConnection(
      {
        origin: options.origin,
        room,
        username: () => this.me ?? options.username,
        session: host.session,
        since: () => this.lastId,
        epoch: () => this.epoch,
        ...(ticket ? { token: ticket } : {}),
        WebSocket: watchedSockets(
          (attempt) => {
            this.#attempt = attempt;
          },
          undefined,
          bearerHeaders(options.signIn),
        ),
      },
      {
        frames: (frames) => this.#frames(frames),
        status: (state, attempt) => {
          if (state === "reconnecting") this.#lost(attempt);
        },
        ended: (code, reason) => host.ended(this, code, reason),
      },
    );
  }

  /** Puts the next waiting message or action on the wire, when welcomed and the rate limit allows. */
  sendNext(): void {
    clearTimeout(this.#holdTimer);
    if (!this.welcomed) return;
    const now = Date.now();
    const item = this.queue.next(now);
    if (item) {
      if (this.connection.sendMessage(item.frame)) this.queue.sending(item.clientId);
    } else if (this.queue.heldUntil > now && this.queue.unsent > 0) {
      this.#holdTimer = setTimeout(() => this.host.pump(), this.queue.heldUntil - now);
    }
  }

  /** Still to be delivered: anything in the send queue not refused, or a file on its way. */
  get busy(): boolean {
    return this.queue.unsent > 0 || this.#upload !== null;
  }

  /** The `/upload` under way, as typed; null when there is none. */
  get uploading(): string | null {
    return this.#upload?.typed ?? null;
  }

  /** An upload starts: until `uploaded`, lines typed after it wait. Its signal stops it when the visit closes. */
  startUpload(typed: string): AbortSignal {
    const abort = new AbortController();
    this.#upload = { typed, abort };
    return abort.signal;
  }

  uploaded(): void {
    this.#upload = null;
  }

  /** Asks the room for an upload slot (v1.10); a socket that is not open is a lost connection. */
  askSlot(request: SlotRequest): Promise<SlotAnswer> {
    if (!this.welcomed || !this.connection.sendMessage(clientFrame(ClientType.uploadSlot, request))) {
      return Promise.resolve({ kind: "lost" });
    }
    return this.#slots.wait(request.clientId, SLOT_ANSWER_MS);
  }

  close(): void {
    clearTimeout(this.#holdTimer);
    this.#slots.lost();
    this.#upload?.abort.abort();
    this.connection.close();
  }

  /** Why the current room will not have us, or the connection closed before the welcome. */
  #failure(): string {
    if (this.refusal) return `${this.refusal.code}: ${this.refusal.message}`;
    return this.#attempt ? describeFailure(this.#attempt) : "the connection failed";
  }

  /** The socket closed and a new try follows. */
  #lost(attempt: number): void {
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    this.#slots.lost();
    // What was on the wire goes again, with the same clientId, once welcomed back.
    this.queue.disconnected();
    const url = this.#attempt?.url ?? shownUrl(this.host.options.origin);
    if (!this.host.contact.connected) {
      this.host.failedTry(url, this.#failure());
    } else if (wasWelcomed) {
      const kept = this.queue.unsent + this.host.waitingLines();
      const note = kept > 0 ? ` (${plural(kept, "unsent line")} kept)` : "";
      this.host.status(`* connection lost; reconnecting…${note}`);
    } else {
      const reason = this.#failure();
      if (reason !== this.#lastSaid) this.host.status(`* reconnecting (try ${attempt}): ${reason}`);
      this.#lastSaid = reason;
    }
    this.refusal = null;
  }

  /** Frames already shown (by id) are skipped, so a resumed history never repeats a line. */
  #fresh(frame: ServerFrame): ServerFrame | null {
    switch (frame.type) {
      case ServerType.history: {
        const messages = frame.payload.messages.filter((m) => m.payload.id > this.lastId);
        return { ...frame, payload: { ...frame.payload, messages } };
      }
      case ServerType.chatMessage:
      case ServerType.system:
      case ServerType.dm:
        return frame.payload.id > this.lastId ? frame : null;
      default:
        return frame;
    }
  }

  /**
   * An error frame, said once: a refused message or action with its text, a
   * join refusal kept for the line that ends the visit (or the reconnect),
   * anything else as it comes.
   */
  #error(error: ErrorPayload): void {
    const refusal = this.queue.refused(error, Date.now());
    if (refusal.kind === "retry") {
      const wait = Math.max(1, Math.ceil((this.queue.heldUntil - Date.now()) / 1000));
      this.host.status(`* over the rate limit; sending again in ${wait} s`);
    } else if (refusal.kind === "failed") {
      const { error: why, text } = refusal.item;
      this.host.print(
        this.host.palette.error(
          `! not sent (${why?.code}: ${why?.message}): ${oneLine(text)} — /retry sends it again, /discard drops it`,
        ),
      );
    } else if (refusal.kind === "dropped") {
      // An edit or reaction refused (not yours, no such message) would be refused again: the queue dropped it.
      this.host.print(
        this.host.palette.error(`! not done (${error.code}: ${error.message}): ${oneLine(refusal.item.text)}`),
      );
    } else if (!this.welcomed || error.code === ErrorCode.banned || error.code === ErrorCode.signedOut) {
      this.refusal = error;
    } else {
      for (const line of formatFrame({ type: ServerType.error, payload: error }, this.me, this.host.palette))
        this.host.print(line);
    }
  }

  /** Before the replay: a wiped history starts over, and a gap the resume left is said out loud. */
  #history(history: ServerPayloads["history"]): void {
    if (history.reset) {
      this.lastId = 0;
      this.messages.clear();
      this.host.print(this.host.palette.system("* this room's history was reset; showing it from the start"));
      return;
    }
    const missed = missedRange(this.lastId, history);
    if (missed) this.host.print(this.host.palette.system(skippedNotice(missed)));
  }

  #frames(frames: ServerFrame[]): void {
    for (const raw of frames) {
      if (raw.type === ServerType.ack) {
        this.queue.acked(raw.payload.clientId);
        this.host.acked();
        continue;
      }
      if (raw.type === ServerType.uploadSlot) {
        this.#slots.granted(raw.payload);
        continue;
      }
      if (raw.type === ServerType.error) {
        if (!this.#slots.refused(raw.payload)) this.#error(raw.payload);
        continue;
      }
      if (raw.type === ServerType.messageUpdated) {
        const { before, after } = this.messages.apply(raw.payload);
        const lines = updateLines(raw.payload, before, after, this.me, this.host.palette, this.#lineOptions());
        for (const line of lines) this.host.print(line);
        continue;
      }
      if (raw.type === ServerType.reaction) {
        const { before } = this.messages.react(raw.payload);
        this.host.print(reactionLine(raw.payload, before, this.me, this.host.palette, this.#lineOptions()));
        continue;
      }
      if (raw.type === ServerType.history) this.#history(raw.payload);
      const frame = this.#fresh(raw);
      if (!frame) continue;
      // A reconnect's welcome repeats what the person already saw.
      const repeat = frame.type === ServerType.welcome && this.lastId > 0;
      if (frame.type === ServerType.welcome) this.#welcome(frame.payload);
      if (frame.type === ServerType.renamed) {
        this.me = frame.payload.username;
        this.host.named(this.me);
      }
      // Seen before printed, so a reply in the same replay can name whom it answers.
      this.#seen(frame);
      if (!repeat) {
        for (const line of formatFrame(frame, this.me, this.host.palette, this.#lineOptions())) this.host.print(line);
      }
      if (frame.type === ServerType.help) this.#clientHelp();
      // A live message naming you (not one from the replay) rings the terminal's bell.
      if (frame.type === ServerType.chatMessage && mentionsMe(frame.payload, this.me, this.authorId)) {
        this.host.mentioned();
      }
      if (frame.type === ServerType.system && frame.payload.event === SystemEvent.partnerLeft) this.host.partnerLeft();
    }
    this.host.pump();
  }

  #welcome(welcome: ServerPayloads["welcome"]): void {
    if (this.me !== null) this.host.status(`* reconnected to ${roomLabel(welcome.room)}`);
    else this.#signInNote(welcome);
    this.me = welcome.username;
    this.authorId = welcome.authorId;
    this.epoch = welcome.epoch;
    this.welcomed = true;
    this.refusal = null;
    this.#lastSaid = null;
    this.host.contact.succeeded();
    this.host.named(this.me);
  }

  /**
   * Said once, at the first welcome: a token the room did not take (the join
   * went on anonymously), or a `--username` that the account's name replaced.
   */
  #signInNote(welcome: ServerPayloads["welcome"]): void {
    const { signIn, username } = this.host.options;
    if (!signIn || welcome.room.startsWith(PRIVATE_ROOM_PREFIX)) return;
    if (!welcome.verified) {
      this.host.status(
        `* the token from ${signIn.source} was not accepted (revoked or expired?); joined without signing in — run hallway login again`,
      );
    } else if (username && nameKey(username) !== nameKey(welcome.username)) {
      this.host.status(`* signed in as ${welcome.username}; --username ${username} is not used`);
    }
  }

  /** Remembers ids and messages shown, for resuming and for lines about later changes. */
  #seen(frame: ServerFrame): void {
    const entries = frame.type === ServerType.history ? frame.payload.messages : [frame];
    for (const entry of entries) {
      if (entry.type === ServerType.chatMessage) this.messages.add(entry.payload);
      if (entry.type === ServerType.chatMessage || entry.type === ServerType.system || entry.type === ServerType.dm) {
        this.lastId = Math.max(this.lastId, entry.payload.id);
      }
    }
  }

  /** After the room's commands, the ones this client answers itself. */
  #clientHelp(): void {
    const { palette } = this.host;
    this.host.print(palette.system("* this client's own commands:"));
    for (const cmd of clientCommands(this.host.options.match)) {
      this.host.print(palette.system(`*   ${cmd.usage.padEnd(20)} ${cmd.description}`));
    }
  }

  #lineOptions(): LineOptions {
    return {
      ids: this.host.options.ids,
      find: (id) => this.messages.get(id),
      authorId: this.authorId,
      server: serverKey(this.host.options.origin),
    };
  }
}
