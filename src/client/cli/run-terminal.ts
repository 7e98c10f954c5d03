import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import pc from "picocolors";
import {
  CloseCode,
  ErrorCode,
  type ErrorPayload,
  encodeInput,
  type ServerFrame,
  type ServerPayloads,
  ServerType,
  SystemEvent,
} from "../../protocol";
import { RoomConnection } from "../core/connection";
import { MatchConnection, recentNote } from "../core/match-connection";
import { missedRange } from "../core/model";
import { queuedFrame } from "../core/queued-frames";
import { SendQueue } from "../core/send-queue";
import {
  formatFrame,
  type LineOptions,
  mentionsMe,
  type Palette,
  plain,
  reactionLine,
  roomLabel,
  skippedNotice,
  updateLines,
} from "./format";
import type { CliOptions } from "./options";
import { type Attempt, describeFailure, FirstContact, shownUrl, watchedSockets } from "./reach";
import { MessageLog } from "./seen-messages";
import { afterConversation, isLocalCommand, isQuit, NOBODY_YET } from "./stranger";
import { displayWidth, echoRows, eraseRows } from "./terminal";

/** Where the terminal client reads and writes: the process's own streams, or a test's. */
export interface TerminalIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
}

/**
 * The terminal client: reads lines from standard input, prints the room to
 * standard output, one event per line. Status and final errors go to standard
 * error, so the chat can be piped. With --match it waits for a stranger
 * first, and looks for a new one when the conversation ends. Settles with the
 * exit status once the run is over, with every socket and timer closed.
 */
export function runTerminal(options: CliOptions, io: TerminalIo): Promise<number> {
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    done = resolve;
  });
  const session = options.session ?? randomUUID().replaceAll("-", "");

  const tty = Boolean(io.stdout.isTTY) && options.color;
  const palette: Palette = tty
    ? {
        dim: pc.dim,
        bold: pc.bold,
        own: pc.cyan,
        dm: pc.magenta,
        system: pc.yellow,
        error: pc.red,
        mention: (t) => pc.bold(pc.inverse(t)),
      }
    : plain;
  // The bell is for a person at a terminal, colours or not; a pipe gets no control characters.
  const bell = Boolean(io.stdout.isTTY);

  const interactive = Boolean(io.stdin.isTTY && io.stdout.isTTY);
  // On a terminal, readline echoes what is typed and keeps it below incoming lines.
  const input = createInterface({
    input: io.stdin,
    output: interactive ? io.stdout : undefined,
    terminal: interactive,
  });
  /** The prompt without colour, to know how wide it is on screen. */
  let promptText = "> ";

  function print(line: string): void {
    if (interactive) {
      io.stdout.write(`\r\x1b[K${line}\n`);
      input.prompt(true);
    } else {
      io.stdout.write(`${line}\n`);
    }
  }

  function status(line: string): void {
    if (interactive) {
      // The prompt sits on the current row: clear it, write the status there, and draw the prompt again below.
      io.stdout.write("\r\x1b[K");
      io.stderr.write(`${tty ? pc.dim(line) : line}\n`);
      input.prompt(true);
    } else {
      io.stderr.write(`${line}\n`);
    }
  }

  /** Tries to reach the server at all; bounded only until the first success. */
  const contact = new FirstContact(options.retries);

  /**
   * A try that failed before the connection was ever made: the reason, once,
   * with the address; after the last try, the exit.
   */
  function failedTry(url: string, reason: string): void {
    const { giveUp, say } = contact.failed(reason);
    const tries = contact.tries;
    if (giveUp) {
      const after = tries > 1 ? `gave up after ${plural(tries, "try", "tries")}` : "";
      status(`hallway: ${say ? `could not connect to ${url}: ${say}${after ? `; ${after}` : ""}` : after}`);
      visit?.close();
      exit(1);
      return;
    }
    if (say && tries === 1) {
      status(
        `* could not connect to ${url}: ${say}; trying again (${plural(options.retries, "more try", "more tries")})…`,
      );
    } else if (say) {
      status(`* try ${tries}: ${say}`);
    }
  }

  const lineOptions = (log: MessageLog): LineOptions => ({ ids: options.ids, find: (id) => log.get(id) });

  /** One visit to one room: its connection, what was seen, and what waits to be delivered. */
  class Visit {
    me: string | null = null;
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
    #attempt: Attempt | null = null;
    /** The last reason printed for a failed reconnect, so repeated failures print it once. */
    #lastSaid: string | null = null;
    #holdTimer: ReturnType<typeof setTimeout> | undefined;

    constructor(room: string, token: string | undefined, onEnd: (visit: Visit, code: number, reason: string) => void) {
      this.connection = new RoomConnection(
        {
          origin: options.origin,
          room,
          username: () => this.me ?? options.username,
          session,
          since: () => this.lastId,
          epoch: () => this.epoch,
          ...(token ? { token } : {}),
          WebSocket: watchedSockets((attempt) => {
            this.#attempt = attempt;
          }),
        },
        {
          frames: (frames) => this.#frames(frames),
          status: (state, attempt) => {
            if (state === "reconnecting") this.#lost(attempt);
          },
          ended: (code, reason) => onEnd(this, code, reason),
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
        this.#holdTimer = setTimeout(pump, this.queue.heldUntil - now);
      }
    }

    /** Still to be delivered: anything in the send queue not refused. */
    get busy(): boolean {
      return this.queue.unsent > 0;
    }

    close(): void {
      clearTimeout(this.#holdTimer);
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
      // What was on the wire goes again, with the same clientId, once welcomed back.
      this.queue.disconnected();
      const url = this.#attempt?.url ?? shownUrl(options.origin);
      if (!contact.connected) {
        failedTry(url, this.#failure());
      } else if (wasWelcomed) {
        const kept = this.queue.unsent + lines.length;
        const note = kept > 0 ? ` (${plural(kept, "unsent line")} kept)` : "";
        status(`* connection lost; reconnecting…${note}`);
      } else {
        const reason = this.#failure();
        if (reason !== this.#lastSaid) status(`* reconnecting (try ${attempt}): ${reason}`);
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
        status(`* over the rate limit; sending again in ${wait} s`);
      } else if (refusal.kind === "failed") {
        const { error: why, text } = refusal.item;
        print(
          palette.error(
            `! not sent (${why?.code}: ${why?.message}): ${oneLine(text)} — /retry sends it again, /discard drops it`,
          ),
        );
      } else if (refusal.kind === "dropped") {
        // An edit or reaction refused (not yours, no such message) would be refused again: the queue dropped it.
        print(palette.error(`! not done (${error.code}: ${error.message}): ${oneLine(refusal.item.text)}`));
      } else if (!this.welcomed || error.code === ErrorCode.banned) {
        this.refusal = error;
      } else {
        for (const line of formatFrame({ type: ServerType.error, payload: error }, this.me, palette)) print(line);
      }
    }

    /** Before the replay: a wiped history starts over, and a gap the resume left is said out loud. */
    #history(history: ServerPayloads["history"]): void {
      if (history.reset) {
        this.lastId = 0;
        this.messages.clear();
        print(palette.system("* this room's history was reset; showing it from the start"));
        return;
      }
      const missed = missedRange(this.lastId, history);
      if (missed) print(palette.system(skippedNotice(missed)));
    }

    #frames(frames: ServerFrame[]): void {
      for (const raw of frames) {
        if (raw.type === ServerType.ack) {
          this.queue.acked(raw.payload.clientId);
          if (inputEnded) keepWaiting();
          continue;
        }
        if (raw.type === ServerType.error) {
          this.#error(raw.payload);
          continue;
        }
        if (raw.type === ServerType.messageUpdated) {
          const { before, after } = this.messages.apply(raw.payload);
          const lines = updateLines(raw.payload, before, after, this.me, palette, lineOptions(this.messages));
          for (const line of lines) print(line);
          continue;
        }
        if (raw.type === ServerType.reaction) {
          const { before } = this.messages.react(raw.payload);
          print(reactionLine(raw.payload, before, this.me, palette, lineOptions(this.messages)));
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
          promptText = `${this.me}> `;
        }
        // Seen before printed, so a reply in the same replay can name whom it answers.
        this.#seen(frame);
        if (!repeat) {
          for (const line of formatFrame(frame, this.me, palette, lineOptions(this.messages))) print(line);
        }
        // A live message naming you (not one from the replay) rings the terminal's bell.
        if (bell && frame.type === ServerType.chatMessage && mentionsMe(frame.payload, this.me)) {
          io.stdout.write("\x07");
        }
        if (frame.type === ServerType.system && frame.payload.event === SystemEvent.partnerLeft) partnerLeft();
      }
      pump();
    }

    #welcome(welcome: ServerPayloads["welcome"]): void {
      if (this.me !== null) status(`* reconnected to ${roomLabel(welcome.room)}`);
      this.me = welcome.username;
      this.epoch = welcome.epoch;
      this.welcomed = true;
      this.refusal = null;
      this.#lastSaid = null;
      contact.succeeded();
      promptText = `${this.me}> `;
      input.setPrompt(tty ? pc.dim(promptText) : promptText);
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
  }

  let visit: Visit | null = null;
  let exited = false;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  let quitWait: ReturnType<typeof setTimeout> | undefined;
  let quitting = false;
  let inputEnded = false;
  let finishing = false;
  /** Lines typed and not yet taken: each waits until what was typed before it has been delivered. */
  const lines: string[] = [];
  /** In stranger mode, lines that had nobody to go to (typed while waiting, or left when a partner went). */
  const undeliverable: string[] = [];

  function plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
  }

  const oneLine = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

  /** Ends the run, saying what was typed and never delivered; that makes the exit status 1. */
  function exit(code = 0): void {
    if (exited) return;
    const waiting = lines.filter((l) => queuedFrame(l, "check") !== null);
    const undelivered = [...(visit?.queue.items.map((i) => i.text) ?? []), ...waiting, ...undeliverable];
    if (undelivered.length > 0) {
      status(`hallway: ${plural(undelivered.length, "line")} not delivered: ${undelivered.map(oneLine).join(", ")}`);
    }
    stop(undelivered.length > 0 ? 1 : code);
  }

  /** Closes everything the run holds open and settles it with the exit status. */
  function stop(code: number): void {
    exited = true;
    clearTimeout(giveUp);
    clearTimeout(quitWait);
    visit?.close();
    matchmaker?.close();
    input.close();
    done(code);
  }

  /** Why the room closed for good, in words: the refusal it sent, or the close code's meaning. */
  function endReason(from: Visit, code: number, reason: string): string {
    if (from.refusal) return `${from.refusal.code}: ${from.refusal.message}`;
    switch (code) {
      case CloseCode.kicked:
        return "kicked from the room by its operator";
      case CloseCode.banned:
        return "banned from this room";
      case CloseCode.forbidden:
        return "this room is closed to you";
      default:
        return reason || `closed (${code})`;
    }
  }

  function ended(from: Visit, code: number, reason: string): void {
    if (from !== visit) return;
    if (code === CloseCode.normal && (quitting || inputEnded)) {
      exit(0);
      return;
    }
    status(`hallway: ${endReason(from, code, reason)}`);
    exit(1);
  }

  const matchmaker = options.match
    ? new MatchConnection(
        options.origin,
        { username: options.username, session },
        options.interests,
        {
          waiting: (position, total, recent) => {
            contact.succeeded();
            const note = recentNote(total, recent);
            status(`* waiting for a stranger (${position} of ${total} in line${note ? `; ${note}` : ""})…`);
          },
          matched: ({ room, token, partner }) => {
            print(palette.system(`* matched with ${partner} — say hi! (/next for someone else, /quit to stop)`));
            visit = new Visit(room, token, ended);
          },
          error: (code, message) => {
            status(`hallway: ${code}: ${message}`);
            stop(1);
          },
        },
        watchedSockets(
          () => {},
          (attempt) => {
            // A matchmaker socket that never opened: a failed try, as for rooms.
            if (!attempt.opened && !contact.connected) failedTry(attempt.url, describeFailure(attempt));
          },
        ),
      )
    : null;

  /**
   * In stranger mode: leave this conversation and wait for the next person.
   * The old room is told `quit` before the queue is joined again, so the
   * partner sees us leave at once (not after the reconnect grace) and we are
   * never in two stranger rooms at a time.
   */
  function nextStranger(): void {
    const old = visit;
    visit = null;
    const { kept, dropped } = afterConversation(lines);
    lines.splice(0, lines.length, ...kept);
    const unsent = [...(old?.queue.items.map((i) => i.text) ?? []), ...dropped];
    if (unsent.length > 0) {
      print(palette.error(`! ${plural(unsent.length, "message")} not delivered to your last partner`));
      undeliverable.push(...unsent);
    }
    old?.close();
    matchmaker?.queue();
  }

  function partnerLeft(): void {
    print(palette.system("* looking for someone new… (/quit to stop)"));
    nextStranger();
  }

  function isLocal(line: string): boolean {
    return isLocalCommand(line, matchmaker !== null);
  }

  /** `/retry` and `/discard`: what to do with messages the server refused. */
  function local(line: string): void {
    const failed = visit?.queue.failed.length ?? 0;
    if (/^\/next/i.test(line)) {
      // Already in the line: asking the matchmaker again would only get already_queued.
      if (visit) nextStranger();
      else print(palette.system("* still looking for someone… (/quit to stop)"));
    } else if (failed === 0) {
      print(palette.system("* nothing to retry or discard: every message was delivered"));
    } else if (/^\/retry/i.test(line)) {
      visit?.queue.retry();
      print(palette.system(`* sending ${plural(failed, "message")} again`));
    } else {
      visit?.queue.discard();
      print(palette.system(`* dropped ${plural(failed, "unsent message")}`));
    }
  }

  /**
   * Moves typed lines on, in order: a message goes to the queue, an edit,
   * delete or reaction becomes the pending action, a command goes to the
   * server, but only once everything typed before it was delivered (or
   * refused), so nothing overtakes anything.
   */
  function pump(): void {
    while (lines.length > 0) {
      const line = lines[0] ?? "";
      if (isLocal(line)) {
        lines.shift();
        local(line);
        continue;
      }
      if (!visit) {
        // Waiting for a stranger there is no room to leave: /quit just ends the wait.
        lines.shift();
        if (isQuit(line)) {
          exit(0);
          return;
        }
        undeliverable.push(line);
        print(palette.error(`! ${NOBODY_YET}; not sent: ${oneLine(line)}`));
        continue;
      }
      if (visit.busy) break;
      if (visit.queue.add(line, Date.now())) {
        lines.shift();
        continue;
      }
      if (isQuit(line)) quitting = true;
      if (quitting && !visit.welcomed) {
        exit(0);
        return;
      }
      if (!visit.welcomed || !visit.connection.sendRaw(encodeInput(line))) break;
      lines.shift();
    }
    visit?.sendNext();
    if (inputEnded && lines.length === 0 && !visit?.busy) finish();
  }

  /** End of input: everything typed was delivered or refused; leave the room cleanly. */
  function finish(): void {
    if (finishing) return;
    finishing = true;
    quitting = true;
    if (!visit?.connection.sendRaw("/quit")) {
      exit(0);
      return;
    }
    // If the server does not answer the quit, do not hang.
    quitWait = setTimeout(() => exit(0), 3000);
    quitWait.unref();
  }

  input.on("line", (line) => {
    if (interactive) {
      // The room's copy of the line is printed when it arrives; the typed echo would be a second one.
      const rows = echoRows(displayWidth(promptText + line), io.stdout.columns || 80);
      io.stdout.write(eraseRows(rows));
      input.prompt(true);
    }
    if (exited || line.trim() === "") return;
    lines.push(line);
    // Before the first welcome a line simply waits its turn; after a drop, say why it does not go.
    if (visit && !visit.welcomed && visit.me !== null && !isLocal(line)) {
      status("* not connected; this will be sent once the connection is back");
    }
    pump();
  });

  /**
   * After the end of input, how long to wait without any message getting
   * through: long enough for a reconnect, and restarted by every ack, so a long
   * pipe that the rate limit slows down is not cut short.
   */
  function keepWaiting(): void {
    clearTimeout(giveUp);
    giveUp = setTimeout(() => {
      status("hallway: nothing got through for 30 s; giving up");
      exit(1);
    }, 30_000).unref();
  }

  input.on("close", () => {
    if (exited) return;
    inputEnded = true;
    keepWaiting();
    pump();
  });
  input.on("SIGINT", () => {
    quitting = true;
    visit?.close();
    exit(0);
  });

  if (matchmaker) matchmaker.queue();
  else visit = new Visit(options.room, undefined, ended);
  if (interactive) input.prompt();
  return finished;
}
