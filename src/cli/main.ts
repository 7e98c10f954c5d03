import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import pc from "picocolors";
import WebSocket from "ws";
import { RoomConnection } from "../client/connection";
import { MatchConnection } from "../client/match-connection";
import { missedRange } from "../client/model";
import { messageFrame, Outbox } from "../client/outbox";
import { CloseCode, encodeInput, type ServerFrame, type ServerPayloads, ServerType, SystemEvent } from "../protocol";
import { formatFrame, type Palette, plain, skippedNotice } from "./format";
import { buildProgram, readOptions } from "./options";

/**
 * The terminal client: reads lines from standard input, prints the room to
 * standard output, one event per line. Status and final errors go to standard
 * error, so the chat can be piped. With --match it waits for a stranger
 * first, and looks for a new one when the conversation ends.
 */

const program = buildProgram();
program.parse();
const options = readOptions(program);
const session = options.session ?? randomUUID().replaceAll("-", "");

const tty = Boolean(process.stdout.isTTY) && options.color;
const palette: Palette = tty
  ? { dim: pc.dim, bold: pc.bold, own: pc.cyan, dm: pc.magenta, system: pc.yellow, error: pc.red }
  : plain;

const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
// On a terminal, readline echoes what is typed and keeps it below incoming lines.
const input = createInterface({
  input: process.stdin,
  output: interactive ? process.stdout : undefined,
  terminal: interactive,
});

function print(line: string): void {
  if (interactive) {
    process.stdout.write(`\r\x1b[K${line}\n`);
    input.prompt(true);
  } else {
    process.stdout.write(`${line}\n`);
  }
}

function status(line: string): void {
  process.stderr.write(`${tty ? pc.dim(line) : line}\n`);
}

/** One visit to one room: its connection, what was seen, and what waits to be delivered. */
class Visit {
  me: string | null = null;
  lastId = 0;
  epoch: string | null = null;
  welcomed = false;
  lastError: Extract<ServerFrame, { type: "error" }> | null = null;
  readonly outbox = new Outbox();
  readonly connection: RoomConnection;
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
        WebSocket,
      },
      {
        frames: (frames) => this.#frames(frames),
        status: (state, attempt) => {
          if (state !== "reconnecting") return;
          this.welcomed = false;
          // What was on the wire goes again, with the same clientId, once welcomed back.
          this.outbox.disconnected();
          const kept = this.outbox.unsent + lines.length;
          const note = kept > 0 ? ` (${plural(kept, "unsent line")} kept)` : "";
          status(`* connection lost; reconnecting${attempt > 1 ? ` (try ${attempt})` : ""}…${note}`);
        },
        ended: (code, reason) => onEnd(this, code, reason),
      },
    );
  }

  /** Puts the next waiting message on the wire, when welcomed and the rate limit allows. */
  sendNext(): void {
    clearTimeout(this.#holdTimer);
    if (!this.welcomed) return;
    const now = Date.now();
    const item = this.outbox.next(now);
    if (item) {
      if (this.connection.sendMessage(item.frame)) this.outbox.sending(item.clientId);
    } else if (this.outbox.heldUntil > now && this.outbox.unsent > 0) {
      this.#holdTimer = setTimeout(pump, this.outbox.heldUntil - now);
    }
  }

  close(): void {
    clearTimeout(this.#holdTimer);
    this.connection.close();
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

  /** A message of ours refused: queued again under the rate limit, or failed and left for /retry. */
  #refused(frame: Extract<ServerFrame, { type: "error" }>): boolean {
    const refusal = this.outbox.refused(frame.payload, Date.now());
    if (refusal.kind === "retry") {
      const wait = Math.max(1, Math.ceil((refusal.at - Date.now()) / 1000));
      status(`* over the rate limit; sending again in ${wait} s`);
      return true;
    }
    if (refusal.kind === "failed") {
      const { error, text } = refusal.item;
      print(
        palette.error(
          `! not sent (${error?.code}: ${error?.message}): ${oneLine(text)} — /retry sends it again, /discard drops it`,
        ),
      );
      return true;
    }
    return false;
  }

  /** Before the replay: a wiped history starts over, and a gap the resume left is said out loud. */
  #history(history: ServerPayloads["history"]): void {
    if (history.reset) {
      this.lastId = 0;
      print(palette.system("* this room's history was reset; showing it from the start"));
      return;
    }
    const missed = missedRange(this.lastId, history);
    if (missed) print(palette.system(skippedNotice(missed)));
  }

  #frames(frames: ServerFrame[]): void {
    for (const raw of frames) {
      if (raw.type === ServerType.ack) {
        this.outbox.acked(raw.payload.clientId);
        if (inputEnded) keepWaiting();
        continue;
      }
      if (raw.type === ServerType.error) {
        if (this.#refused(raw)) continue;
        this.lastError = raw;
      }
      if (raw.type === ServerType.history) this.#history(raw.payload);
      const frame = this.#fresh(raw);
      if (!frame) continue;
      if (frame.type === ServerType.welcome) {
        if (this.me !== null) status(`* reconnected to #${frame.payload.room}`);
        this.me = frame.payload.username;
        this.epoch = frame.payload.epoch;
        this.welcomed = true;
        input.setPrompt(tty ? pc.dim(`${this.me}> `) : `${this.me}> `);
      }
      // A reconnect's welcome repeats what the person already saw.
      if (!(frame.type === ServerType.welcome && this.lastId > 0)) {
        for (const line of formatFrame(frame, this.me, palette)) print(line);
      }
      if (frame.type === ServerType.history) {
        for (const m of frame.payload.messages) this.lastId = Math.max(this.lastId, m.payload.id);
      }
      if (frame.type === ServerType.chatMessage || frame.type === ServerType.system || frame.type === ServerType.dm) {
        this.lastId = Math.max(this.lastId, frame.payload.id);
      }
      if (frame.type === ServerType.system && frame.payload.event === SystemEvent.partnerLeft) partnerLeft();
    }
    pump();
  }
}

let visit: Visit | null = null;
let quitting = false;
let inputEnded = false;
let finishing = false;
/** Lines typed and not yet taken: each waits until what was typed before it has been delivered. */
const lines: string[] = [];

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const oneLine = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** Leaves the process, saying what was typed and never delivered; that makes the exit status 1. */
function exit(code = 0): never {
  const waiting = lines.filter((l) => messageFrame(l, "check") !== null);
  const undelivered = [...(visit?.outbox.items.map((i) => i.text) ?? []), ...waiting];
  if (undelivered.length > 0) {
    status(`hallway: ${plural(undelivered.length, "line")} not delivered: ${undelivered.map(oneLine).join(", ")}`);
  }
  process.exit(undelivered.length > 0 ? 1 : code);
}

function ended(from: Visit, code: number, reason: string): void {
  if (from !== visit) return;
  if (code === CloseCode.normal && (quitting || inputEnded)) exit(0);
  const why = from.lastError ? `${from.lastError.payload.code}: ${from.lastError.payload.message}` : reason;
  status(`hallway: ${why || `closed (${code})`}`);
  exit(1);
}

const matchmaker = options.match
  ? new MatchConnection(
      options.origin,
      { username: options.username, session },
      options.interests,
      {
        waiting: (position, total) => status(`* waiting for a stranger (${position} of ${total} in line)…`),
        matched: ({ room, token, partner }) => {
          print(palette.system(`* matched with ${partner} — say hi! (/next for someone else, /quit to stop)`));
          visit = new Visit(room, token, ended);
        },
        error: (code, message) => {
          status(`hallway: ${code}: ${message}`);
          process.exit(1);
        },
      },
      WebSocket,
    )
  : null;

/** In stranger mode: leave this conversation and wait for the next person. */
function nextStranger(): void {
  const old = visit;
  visit = null;
  if (old && old.outbox.items.length > 0) {
    print(palette.error(`! ${plural(old.outbox.items.length, "message")} not delivered to your last partner`));
  }
  old?.close();
  matchmaker?.queue();
}

function partnerLeft(): void {
  print(palette.system("* looking for someone new… (/quit to stop)"));
  nextStranger();
}

/** Commands this client answers itself, never sent to the server. */
function isLocal(line: string): boolean {
  return /^\/(retry|discard)\s*$/i.test(line) || (matchmaker !== null && /^\/next\s*$/i.test(line));
}

/** `/retry` and `/discard`: what to do with messages the server refused. */
function local(line: string): void {
  const failed = visit?.outbox.failed.length ?? 0;
  if (/^\/next/i.test(line)) {
    nextStranger();
  } else if (failed === 0) {
    print(palette.system("* nothing to retry or discard: every message was delivered"));
  } else if (/^\/retry/i.test(line)) {
    visit?.outbox.retry();
    print(palette.system(`* sending ${plural(failed, "message")} again`));
  } else {
    visit?.outbox.discard();
    print(palette.system(`* dropped ${plural(failed, "unsent message")}`));
  }
}

/**
 * Moves typed lines on, in order: a message goes to the outbox, a command
 * to the server, but only once everything typed before it was delivered
 * (or refused), so nothing overtakes anything.
 */
function pump(): void {
  while (lines.length > 0) {
    const line = lines[0] ?? "";
    if (isLocal(line)) {
      lines.shift();
      local(line);
      continue;
    }
    if (!visit || visit.outbox.unsent > 0) break;
    if (visit.outbox.add(line, Date.now())) {
      lines.shift();
      continue;
    }
    if (/^\/quit\s*$/i.test(line)) quitting = true;
    if (quitting && !visit.welcomed) exit(0);
    if (!visit.welcomed || !visit.connection.sendRaw(encodeInput(line))) break;
    lines.shift();
  }
  visit?.sendNext();
  if (inputEnded && lines.length === 0 && (visit?.outbox.unsent ?? 0) === 0) finish();
}

/** End of input: everything typed was delivered or refused; leave the room cleanly. */
function finish(): void {
  if (finishing) return;
  finishing = true;
  quitting = true;
  if (!visit?.connection.sendRaw("/quit")) exit(0);
  // If the server does not answer the quit, do not hang.
  setTimeout(() => exit(0), 3000).unref();
}

input.on("line", (line) => {
  if (line.trim() === "") return;
  lines.push(line);
  if (visit && !visit.welcomed && !isLocal(line))
    status("* not connected; this will be sent once the connection is back");
  pump();
});
let giveUp: ReturnType<typeof setTimeout> | undefined;

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
