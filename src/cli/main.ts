import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import pc from "picocolors";
import WebSocket from "ws";
import { RoomConnection } from "../client/connection";
import { MatchConnection } from "../client/match-connection";
import { CloseCode, encodeInput, type ServerFrame, ServerType, SystemEvent } from "../protocol";
import { formatFrame, type Palette, plain } from "./format";
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

/** One visit to one room: its connection, what was seen, and what waits to be sent. */
class Visit {
  me: string | null = null;
  lastId = 0;
  welcomed = false;
  lastError: Extract<ServerFrame, { type: "error" }> | null = null;
  readonly connection: RoomConnection;

  constructor(room: string, token: string | undefined, onEnd: (visit: Visit, code: number, reason: string) => void) {
    this.connection = new RoomConnection(
      {
        origin: options.origin,
        room,
        username: () => this.me ?? options.username,
        session,
        since: () => this.lastId,
        ...(token ? { token } : {}),
        WebSocket,
      },
      {
        frames: (frames) => this.#frames(frames),
        status: (state, attempt) => {
          if (state !== "reconnecting") return;
          this.welcomed = false;
          status(`* connection lost; reconnecting${attempt > 1 ? ` (try ${attempt})` : ""}…`);
        },
        ended: (code, reason) => onEnd(this, code, reason),
      },
    );
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

  #frames(frames: ServerFrame[]): void {
    for (const raw of frames) {
      if (raw.type === ServerType.error) this.lastError = raw;
      const frame = this.#fresh(raw);
      if (!frame) continue;
      if (frame.type === ServerType.welcome) {
        if (this.me !== null) status(`* reconnected to #${frame.payload.room}`);
        this.me = frame.payload.username;
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
    flush();
  }
}

let visit: Visit | null = null;
let quitting = false;
let inputEnded = false;
let finishing = false;
const pending: string[] = [];

function ended(from: Visit, code: number, reason: string): void {
  if (from !== visit) return;
  if (code === CloseCode.normal && (quitting || inputEnded)) process.exit(0);
  const why = from.lastError ? `${from.lastError.payload.code}: ${from.lastError.payload.message}` : reason;
  status(`hallway: ${why || `closed (${code})`}`);
  process.exit(1);
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
  old?.connection.close();
  matchmaker?.queue();
}

function partnerLeft(): void {
  print(palette.system("* looking for someone new… (/quit to stop)"));
  nextStranger();
}

function flush(): void {
  while (pending.length > 0) {
    const line = pending[0] ?? "";
    if (/^\/quit\s*$/i.test(line)) quitting = true;
    if (matchmaker && /^\/next\s*$/i.test(line)) {
      pending.shift();
      nextStranger();
      continue;
    }
    if (quitting && !visit?.welcomed) process.exit(0);
    if (!visit?.welcomed || !visit.connection.sendRaw(encodeInput(line))) return;
    pending.shift();
  }
  if (inputEnded && pending.length === 0) finish();
}

/** End of input: send what is queued, then leave the room cleanly. */
function finish(): void {
  if (finishing) return;
  finishing = true;
  quitting = true;
  if (!visit?.connection.sendRaw("/quit")) process.exit(0);
  // If the server does not answer the quit, do not hang.
  setTimeout(() => process.exit(0), 3000).unref();
}

input.on("line", (line) => {
  if (line.trim() === "") return;
  pending.push(line);
  flush();
});
input.on("close", () => {
  inputEnded = true;
  flush();
  if (pending.length > 0) {
    // Give a reconnecting client a while to deliver what was typed.
    setTimeout(() => {
      status(`hallway: could not deliver ${pending.length} line(s)`);
      process.exit(pending.length === 0 ? 0 : 1);
    }, 30_000).unref();
  }
});
input.on("SIGINT", () => {
  quitting = true;
  visit?.connection.close();
  process.exit(0);
});

if (matchmaker) matchmaker.queue();
else visit = new Visit(options.room, undefined, ended);
if (interactive) input.prompt();
