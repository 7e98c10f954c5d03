import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import { createInterface } from "node:readline";
import pc from "picocolors";
import { CloseCode, ErrorCode, encodeInput } from "../../protocol";
import { MatchConnection, recentNote } from "../core/match-connection";
import { newClientId, queuedFrame } from "../core/queued-frames";
import type { Fetch } from "./account-http";
import { serverKey } from "./credentials";
import { type Palette, plain, roomLabel } from "./format";
import { JoinedRooms, MAX_JOINED_ROOMS } from "./joined-rooms";
import type { CliOptions } from "./options";
import { describeFailure, FirstContact, watchedSockets } from "./reach";
import { type RoomCommand, roomCommand } from "./room-commands";
import { RoomVisit, type RoomVisitHost } from "./room-visit";
import { searchLines, searchRoom } from "./search";
import { afterConversation, isLocalCommand, isQuit, NOBODY_YET } from "./stranger";
import { displayWidth, echoRows, eraseRows } from "./terminal";
import { bearerHeaders } from "./token-choice";
import { fileMessage, uploadFailure, uploadFile } from "./upload";
import { expandHome, type UploadCommand, uploadCommand } from "./upload-command";
import { UploadProgress } from "./upload-progress";
import { usersFilterRequest } from "./users-command";
import { oneLine, plural } from "./words";

/** A refusal in words; a claimed name says what to do about it from a terminal. */
function refusalText(code: string, message: string): string {
  if (code === ErrorCode.nameClaimed) {
    return "name_claimed: that name belongs to an account: run `hallway login` or pick another name";
  }
  return `${code}: ${message}`;
}

/** Where the terminal client reads and writes: the process's own streams, or a test's. */
export interface TerminalIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** For `/search` and `/upload`; the global `fetch` when absent. */
  fetch?: Fetch;
}

/**
 * The terminal client: reads lines from standard input, prints the room to
 * standard output, one event per line. Status and final errors go to standard
 * error, so the chat can be piped. `/join` adds rooms (each its own visit),
 * and once there are several every line says which room it came from. With
 * --match it waits for a stranger first, and looks for a new one when the
 * conversation ends. Settles with the exit status once the run is over, with
 * every socket and timer closed.
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
        room: pc.green,
        hit: (t) => pc.bold(pc.inverse(t)),
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

  const shared: RoomVisitHost = {
    options,
    session,
    palette,
    contact,
    print,
    status,
    failedTry,
    waitingLines: () => lines.length,
    acked: () => {
      if (inputEnded) keepWaiting();
    },
    pump: () => pump(),
    named: () => showPrompt(),
    mentioned: () => {
      if (bell) io.stdout.write("\x07");
    },
    partnerLeft: () => partnerLeft(),
    ended: (from, code, reason) => ended(from, code, reason),
  };
  /** Rooms joined; in stranger mode, the one conversation (or none while waiting). */
  const rooms = new JoinedRooms<RoomVisit>();
  /** Rooms left with `/part`, until their close comes back. */
  const parting = new Set<RoomVisit>();
  let exited = false;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  let quitWait: ReturnType<typeof setTimeout> | undefined;
  let quitting = false;
  let inputEnded = false;
  let finishing = false;
  /** Lines typed and not yet taken: each waits until what was typed before it has been delivered. */
  const lines: string[] = [];
  /**
   * Lines that will never be delivered: in stranger mode, those that had nobody to go to (typed while
   * waiting, or left when a partner went); a room's unsent lines on `/part`; uploads that failed.
   */
  const undeliverable: string[] = [];

  /** Ends the run, saying what was typed and never delivered; that makes the exit status 1. */
  function exit(code = 0): void {
    if (exited) return;
    const waiting = lines.filter((l) => queuedFrame(l, "check") !== null || uploadCommand(l) !== null);
    const queued = rooms.all.flatMap((visit) => [
      ...(visit.uploading === null ? [] : [visit.uploading]),
      ...visit.queue.items.map((i) => i.text),
    ]);
    const undelivered = [...queued, ...waiting, ...undeliverable];
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
    for (const visit of [...rooms.all, ...parting]) visit.close();
    matchmaker?.close();
    input.close();
    done(code);
  }

  /** Why the room closed for good, in words: the refusal it sent, or the close code's meaning. */
  function endReason(from: RoomVisit, code: number, reason: string): string {
    if (code === CloseCode.signedOut) {
      return "signed out: this account's sessions were ended (signed out everywhere, or the account was deleted); run hallway login to sign in again";
    }
    if (from.refusal) return refusalText(from.refusal.code, from.refusal.message);
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

  function ended(from: RoomVisit, code: number, reason: string): void {
    if (parting.delete(from)) {
      // Left with /part: its close is the answer to our quit.
      from.close();
      return;
    }
    if (!rooms.has(from)) return;
    if (code === CloseCode.normal && (quitting || inputEnded)) {
      exit(0);
      return;
    }
    if (rooms.size > 1 && code !== CloseCode.signedOut) {
      // One of several rooms closed for good (a refused /join, a kick, a ban): the others go on.
      const wasCurrent = rooms.current === from;
      rooms.remove(from);
      from.close();
      print(palette.error(`! ${roomLabel(from.room)}: ${endReason(from, code, reason)}`));
      if (wasCurrent) nowIn();
      return;
    }
    status(`hallway: ${endReason(from, code, reason)}`);
    exit(1);
  }

  /** Says where typed lines go now, after the current room changed under them. */
  function nowIn(): void {
    // The prompt first: printing a line draws it again below.
    showPrompt();
    const current = rooms.current;
    if (current) print(palette.system(`* now in ${roomLabel(current.room)}`));
  }

  /** The prompt: the name the current room gave, and with several rooms, which room it is. */
  function showPrompt(): void {
    const current = rooms.current;
    const name = current?.me ?? null;
    if (name === null) return;
    promptText = rooms.size > 1 ? `${roomLabel(current?.room ?? "")} ${name}> ` : `${name}> `;
    input.setPrompt(tty ? pc.dim(promptText) : promptText);
  }

  /** A line from `room`, naming it whenever it is not the only room (or no longer joined). */
  function tagged(room: string, line: string): string {
    return rooms.size > 1 || !rooms.find(room) ? `${palette.room(roomLabel(room))} ${line}` : line;
  }

  /** A visit's view of the run: its lines say which room they came from. */
  function hostFor(room: string): RoomVisitHost {
    return { ...shared, print: (line) => print(tagged(room, line)), status: (line) => status(tagged(room, line)) };
  }

  function join(room: string): void {
    rooms.add(new RoomVisit(hostFor(room), room, undefined));
    showPrompt();
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
            rooms.add(new RoomVisit(shared, room, token));
          },
          error: (code, message) => {
            status(`hallway: ${refusalText(code, message)}`);
            stop(1);
          },
        },
        watchedSockets(
          () => {},
          (attempt) => {
            // A matchmaker socket that never opened: a failed try, as for rooms.
            if (!attempt.opened && !contact.connected) failedTry(attempt.url, describeFailure(attempt));
          },
          // Signed in, a claimed name is the account's to use in stranger chat too.
          bearerHeaders(options.signIn),
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
    const old = rooms.current;
    if (old) rooms.remove(old);
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
    const visit = rooms.current;
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
      const command = roomCommand(line);
      if (command && matchmaker) {
        lines.shift();
        print(palette.error(`! /join, /part and /search are for rooms; with a stranger, /next or /quit`));
        continue;
      }
      const visit = rooms.current;
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
      const upload = uploadCommand(line);
      if (upload) {
        // Like a message, a file waits for the connection; lines after it wait for the file.
        if (upload.kind === "upload" && !visit.welcomed) break;
        lines.shift();
        startUpload(upload, visit);
        continue;
      }
      if (command) {
        // Parting the last room ends the run, as /quit does.
        const last = command.kind === "part" && rooms.size === 1 && (command.room ?? visit.room) === visit.room;
        if (last) lines[0] = "/quit";
        else {
          lines.shift();
          roomAction(command, visit);
        }
        continue;
      }
      if (visit.queue.add(line, Date.now())) {
        lines.shift();
        continue;
      }
      if (isQuit(line)) quitting = true;
      if (quitting && !visit.welcomed) {
        exit(0);
        return;
      }
      if (!visit.welcomed || !visit.connection.sendRaw(usersFilterRequest(line) ?? encodeInput(line))) break;
      lines.shift();
      if (isQuit(line)) quitOthers(visit);
    }
    for (const visit of rooms.all) visit.sendNext();
    if (inputEnded && lines.length === 0 && !rooms.current?.busy) finish();
  }

  /** Leaving for good: every other room is told `quit` too, so everyone sees us go. */
  function quitOthers(current: RoomVisit | null): void {
    for (const visit of rooms.all) if (visit !== current && visit.welcomed) visit.connection.sendRaw("/quit");
  }

  /** `/join`, `/part` and `/search`, once what was typed before them was delivered. */
  function roomAction(command: RoomCommand, current: RoomVisit): void {
    switch (command.kind) {
      case "join": {
        if (command.room === null) {
          print(palette.error(`! not a room name: ${oneLine(command.typed)} (1-64 letters, digits, _ or -)`));
          return;
        }
        const joined = rooms.find(command.room);
        if (joined) {
          // Already there: switching is silent for everyone, and says nothing when it changes nothing.
          if (joined !== current) {
            rooms.switchTo(joined);
            nowIn();
          }
          return;
        }
        if (rooms.full) {
          print(
            palette.error(`! at most ${MAX_JOINED_ROOMS} rooms at once: /part one before joining #${command.room}`),
          );
          return;
        }
        join(command.room);
        return;
      }
      case "part": {
        if (command.room === null && command.typed !== undefined) {
          print(palette.error(`! not a room name: ${oneLine(command.typed)}`));
          return;
        }
        const visit = command.room === null ? current : rooms.find(command.room);
        if (!visit) {
          print(palette.error(`! not in #${command.room}`));
          return;
        }
        part(visit);
        return;
      }
      case "search":
        search(command.words, current);
        return;
    }
  }

  /**
   * Leaves one of several rooms: it is told `quit` (so its people see us go)
   * and is dropped at once; what it still held for sending is said, and
   * counts as not delivered at the exit.
   */
  function part(visit: RoomVisit): void {
    const wasCurrent = rooms.current === visit;
    rooms.remove(visit);
    const unsent = visit.queue.items.map((i) => i.text);
    if (unsent.length > 0) {
      undeliverable.push(...unsent);
      print(palette.error(`! ${plural(unsent.length, "message")} not delivered to ${roomLabel(visit.room)}`));
    }
    if (visit.welcomed && visit.connection.sendRaw("/quit")) {
      parting.add(visit);
      // A room that never answers the quit is let go anyway.
      setTimeout(() => {
        if (parting.delete(visit)) visit.close();
      }, 3000).unref();
    } else {
      visit.close();
    }
    showPrompt();
    print(palette.system(`* left ${roomLabel(visit.room)}`));
    if (wasCurrent) nowIn();
  }

  /** `/search words` in the current room; the answer prints when it comes, and holds up nothing. */
  function search(words: string, visit: RoomVisit): void {
    if (words === "") {
      print(palette.error("! /search needs words to look for: /search <words>"));
      return;
    }
    void searchRoom(io.fetch ?? fetch, serverKey(options.origin), visit.room, words, options.signIn?.token).then(
      (outcome) => {
        if (exited) return;
        for (const line of searchLines(outcome, words, visit.room, palette, options)) print(tagged(visit.room, line));
      },
    );
  }

  /**
   * `/upload path [caption]` (v1.10), once what was typed before it was
   * delivered: the file goes with a bar on standard error, then its message
   * joins the send queue. Until then the room is busy, so nothing typed later
   * overtakes it; a failure says why and sends nothing.
   */
  function startUpload(command: UploadCommand, visit: RoomVisit): void {
    if (command.kind === "bad") {
      print(palette.error(`! ${command.problem}`));
      return;
    }
    const signal = visit.startUpload(command.typed);
    const progress = new UploadProgress((text) => {
      if (interactive) io.stdout.write("\r\x1b[K");
      io.stderr.write(text);
      if (interactive && text.endsWith("\n")) input.prompt(true);
    }, Boolean(io.stderr.isTTY));
    void uploadFile(expandHome(command.path, homedir()), {
      askSlot: (request) => visit.askSlot(request),
      fetch: io.fetch ?? fetch,
      server: serverKey(options.origin),
      progress: {
        begin: (name, total) => progress.begin(name, total),
        sent: (bytes) => {
          progress.sent(bytes);
          // Bytes going out are things getting through: a long upload at the end of input is not given up on.
          if (inputEnded) keepWaiting();
        },
      },
      note: (line) => status(tagged(visit.room, line)),
      newClientId,
      signal,
    }).then((outcome) => {
      visit.uploaded();
      progress.end();
      // A room left or closed meanwhile has said so already; its upload was stopped with it.
      if (exited || !rooms.has(visit)) return;
      if (outcome.kind === "stored") {
        visit.queue.addFrame(fileMessage(outcome.file.id, command.caption, newClientId()), command.typed, Date.now());
      } else {
        undeliverable.push(command.typed);
        print(tagged(visit.room, palette.error(uploadFailure(outcome))));
      }
      pump();
    });
  }

  /** End of input: everything typed was delivered or refused; leave the room cleanly. */
  function finish(): void {
    if (finishing) return;
    finishing = true;
    quitting = true;
    const current = rooms.current;
    if (!current?.connection.sendRaw("/quit")) {
      exit(0);
      return;
    }
    quitOthers(current);
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
    const visit = rooms.current;
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
    exit(0);
  });

  if (matchmaker) matchmaker.queue();
  else join(options.room);
  if (interactive) input.prompt();
  return finished;
}
