import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import pc from "picocolors";
import WebSocket from "ws";
import { RoomConnection } from "../client/connection";
import { CloseCode, encodeInput, type ServerFrame, ServerType } from "../protocol";
import { formatFrame, type Palette, plain } from "./format";
import { buildProgram, readOptions } from "./options";

/**
 * The terminal client: reads lines from standard input, prints the room to
 * standard output, one event per line. Status and final errors go to standard
 * error, so the chat can be piped.
 */

const program = buildProgram();
program.parse();
const options = readOptions(program);

const tty = Boolean(process.stdout.isTTY) && options.color;
const palette: Palette = tty
  ? { dim: pc.dim, bold: pc.bold, own: pc.cyan, dm: pc.magenta, system: pc.yellow, error: pc.red }
  : plain;

let me: string | null = null;
let lastId = 0;
let welcomed = false;
let quitting = false;
let lastError: Extract<ServerFrame, { type: "error" }> | null = null;
const pending: string[] = [];

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

/** Frames already shown (by id) are skipped, so a resumed history never repeats a line. */
function fresh(frame: ServerFrame): ServerFrame | null {
  switch (frame.type) {
    case ServerType.history: {
      const messages = frame.payload.messages.filter((m) => m.payload.id > lastId);
      return { ...frame, payload: { ...frame.payload, messages } };
    }
    case ServerType.chatMessage:
    case ServerType.system:
    case ServerType.dm:
      return frame.payload.id > lastId ? frame : null;
    default:
      return frame;
  }
}

function seen(frame: ServerFrame): void {
  if (frame.type === ServerType.history)
    for (const m of frame.payload.messages) lastId = Math.max(lastId, m.payload.id);
  if (frame.type === ServerType.chatMessage || frame.type === ServerType.system || frame.type === ServerType.dm) {
    lastId = Math.max(lastId, frame.payload.id);
  }
}

function flush(): void {
  while (pending.length > 0 && welcomed) {
    const line = pending[0] ?? "";
    if (!connection.sendRaw(encodeInput(line))) return;
    pending.shift();
    if (/^\/quit\s*$/i.test(line)) quitting = true;
  }
  if (inputEnded && pending.length === 0) finish();
}

const connection = new RoomConnection(
  {
    origin: options.origin,
    room: options.room,
    username: () => me ?? options.username,
    session: options.session ?? randomUUID().replaceAll("-", ""),
    since: () => lastId,
    WebSocket,
  },
  {
    frames(frames) {
      for (const raw of frames) {
        if (raw.type === ServerType.error) lastError = raw;
        const frame = fresh(raw);
        if (!frame) continue;
        if (frame.type === ServerType.welcome) {
          if (me !== null) status(`* reconnected to #${frame.payload.room}`);
          me = frame.payload.username;
          welcomed = true;
          input.setPrompt(tty ? pc.dim(`${me}> `) : `${me}> `);
        }
        // A reconnect's welcome repeats what the person already saw.
        if (!(frame.type === ServerType.welcome && lastId > 0)) {
          for (const line of formatFrame(frame, me, palette)) print(line);
        }
        seen(frame);
      }
      flush();
    },
    status(state, attempt) {
      if (state === "reconnecting") {
        welcomed = false;
        status(`* connection lost; reconnecting${attempt > 1 ? ` (try ${attempt})` : ""}…`);
      }
    },
    ended(code, reason) {
      if (code === CloseCode.normal && (quitting || inputEnded)) process.exit(0);
      const why = lastError ? `${lastError.payload.code}: ${lastError.payload.message}` : reason || `closed (${code})`;
      status(`hallway: ${why}`);
      process.exit(1);
    },
  },
);

let inputEnded = false;
let finishing = false;

/** End of input: send what is queued, then leave the room cleanly. */
function finish(): void {
  if (finishing) return;
  finishing = true;
  quitting = true;
  if (!connection.sendRaw("/quit")) process.exit(0);
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
  if (pending.length === 0 && welcomed) finish();
  else {
    flush();
    // Give a reconnecting client a while to deliver what was typed.
    setTimeout(() => {
      status(`hallway: could not deliver ${pending.length} line(s)`);
      process.exit(pending.length === 0 ? 0 : 1);
    }, 30_000).unref();
  }
});
input.on("SIGINT", () => {
  quitting = true;
  connection.close();
  process.exit(0);
});
if (interactive) input.prompt();
