import {
  type ChatMessagePayload,
  nameKey,
  PRIVATE_ROOM_PREFIX,
  type ServerFrame,
  type ServerPayloads,
  ServerType,
  SystemEvent,
  type SystemPayload,
  someNames,
} from "../../protocol";
import { marked } from "./mark";
import { isMine } from "./mine";
import { reactionChanges } from "./seen-messages";
import { humanSize } from "./words";

/** Colours to apply, or identity functions when the output is not a terminal. */
export interface Palette {
  dim(text: string): string;
  bold(text: string): string;
  own(text: string): string;
  dm(text: string): string;
  system(text: string): string;
  error(text: string): string;
  /** A message that names you. */
  mention(text: string): string;
  /** The room a line came from, when more than one is joined. */
  room(text: string): string;
  /** Words a search matched, inside a result's snippet. */
  hit(text: string): string;
}

export const plain: Palette = {
  dim: (t) => t,
  bold: (t) => t,
  own: (t) => t,
  dm: (t) => t,
  system: (t) => t,
  error: (t) => t,
  mention: (t) => t,
  room: (t) => t,
  hit: (t) => t,
};

/** How lines are written, beyond colour. */
export interface LineOptions {
  /** Show message ids (`#12`), which /reply, /edit, /delete and /react take. */
  ids?: boolean;
  /** A message printed earlier, to say whose message a reply answers. */
  find?: (id: number) => ChatMessagePayload | undefined;
  /** The reader's author id from the welcome (v1.8): messages that carry it are the reader's own. */
  authorId?: string | undefined;
  /** v1.10: the server's http(s) origin, which a file's address is relative to. */
  server?: string;
}

export function clock(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

// Messages are cleaned by the server, but a line break in a message would
// break "one line per message" for scripts reading the output.
const oneLine = (text: string) => text.replace(/\n/g, " ⏎ ");

/** A short reminder of a message's text, for lines about it. */
function quote(text: string): string {
  const flat = oneLine(text);
  return JSON.stringify([...flat].length > 30 ? `${[...flat].slice(0, 29).join("")}…` : flat);
}

const sameName = (a: string, b: string | null) => b !== null && nameKey(a) === nameKey(b);

/** Whether someone else's chat message names `me` with `@name` (the server lists whom it mentions). */
export function mentionsMe(message: ChatMessagePayload, me: string | null, authorId?: string): boolean {
  return !isMine(message, { name: me, authorId }) && (message.mentions ?? []).some((name) => sameName(name, me));
}

/** `👍 2 🎉 1`: each emoji with how many chose it, in the order they were first used. */
function reactionSummary(reactions: ChatMessagePayload["reactions"]): string {
  return Object.entries(reactions ?? {})
    .filter(([, names]) => names.length > 0)
    .map(([emoji, names]) => `${emoji} ${names.length}`)
    .join(" ");
}

/**
 * One chat message as it stands: `[09:05] #12 <bob> ↪ re #11 (alice) sure (edited) [👍 2]`.
 * The id shows with --ids; a reply names the message it answers, and whose it
 * was when that message was printed here.
 */
export function chatLine(p: ChatMessagePayload, me: string | null, c: Palette = plain, o: LineOptions = {}): string {
  const name = `<${marked(p.username, p.verified)}>`;
  const who = isMine(p, { name: me, authorId: o.authorId }) ? c.own(name) : c.bold(name);
  const parts = [c.dim(`[${clock(p.ts)}]`)];
  if (o.ids) parts.push(c.dim(`#${p.id}`));
  parts.push(who);
  if (p.replyTo !== undefined) {
    const answered = o.find?.(p.replyTo);
    parts.push(c.dim(`↪ re #${p.replyTo}${answered ? ` (${answered.username})` : ""}`));
  }
  if (p.deleted) {
    parts.push(c.dim("(message deleted)"));
  } else {
    // A file may go without words (v1.10): its own line says what it is.
    if (p.message !== "")
      parts.push(mentionsMe(p, me, o.authorId) ? c.mention(oneLine(p.message)) : oneLine(p.message));
    if (p.editedAt !== undefined) parts.push(c.dim("(edited)"));
    const summary = reactionSummary(p.reactions);
    if (summary) parts.push(c.dim(`[${summary}]`));
  }
  return parts.join(" ");
}

/**
 * v1.10: each file a message carries, on a line of its own under it: its
 * name, size and full address, `  📎 report.pdf (1.2 MB) http://…/files/ops/…`
 * (an image too: a terminal shows no pictures).
 */
export function attachmentLines(p: ChatMessagePayload, c: Palette = plain, o: LineOptions = {}): string[] {
  if (p.deleted) return [];
  return (p.attachments ?? []).map((file) => {
    const address = o.server === undefined ? file.url : new URL(file.url, o.server).href;
    return `  📎 ${file.name} ${c.dim(`(${humanSize(file.size)})`)} ${address}`;
  });
}

/** `alice's message #12 "hello th…"` (`your message` when it is yours), or `message #12` when it was never printed here. */
function messageRef(id: number, known: ChatMessagePayload | undefined, me: string | null, o: LineOptions): string {
  if (!known) return `message #${id}`;
  const whose = isMine(known, { name: me, authorId: o.authorId }) ? "your" : `${known.username}'s`;
  const text = known.deleted ? "" : ` ${quote(known.message)}`;
  return `${whose} message${o.ids ? ` #${id}` : ""}${text}`;
}

/**
 * A change to a message already sent, as lines: an edit prints the message
 * again as it now reads, marked `(edited)`; a delete and each reaction say
 * what happened to whose message. `before` is the message as printed here
 * (undefined when it never was), `after` with the update applied.
 */
export function updateLines(
  update: ServerPayloads["messageUpdated"],
  before: ChatMessagePayload | undefined,
  after: ChatMessagePayload | undefined,
  me: string | null,
  c: Palette = plain,
  o: LineOptions = {},
  now = Date.now(),
): string[] {
  const at = c.dim(`[${clock(update.editedAt ?? now)}]`);
  if (update.deleted) return [`${at} ${c.system(`* ${messageRef(update.id, before, me, o)} was deleted`)}`];
  const lines: string[] = [];
  if (update.message !== undefined) {
    lines.push(
      after
        ? chatLine({ ...after, ts: update.editedAt ?? now }, me, c, o)
        : `${at} ${c.system(`* message #${update.id} was edited:`)} ${oneLine(update.message)}`,
    );
    // An edited caption is printed again with its files, as the message now stands.
    if (after) lines.push(...attachmentLines(after, c, o));
  }
  if (update.reactions !== undefined) {
    if (!before) {
      const summary = reactionSummary(update.reactions);
      lines.push(`${at} ${c.system(`* reactions to message #${update.id}: ${summary || "none"}`)}`);
    } else {
      for (const { username, emoji, added } of reactionChanges(before.reactions, update.reactions)) {
        lines.push(`${at} ${c.system(reactionText(username, emoji, added, messageRef(update.id, before, me, o)))}`);
      }
    }
  }
  return lines;
}

/**
 * One reaction added or taken back, as a line: `* bob reacted 👍 to your
 * message #3 "hello"`. `before` is the message as printed here (undefined
 * when it never was).
 */
export function reactionLine(
  change: ServerPayloads["reaction"],
  before: ChatMessagePayload | undefined,
  me: string | null,
  c: Palette = plain,
  o: LineOptions = {},
  now = Date.now(),
): string {
  const ref = messageRef(change.id, before, me, o);
  return `${c.dim(`[${clock(now)}]`)} ${c.system(reactionText(change.username, change.emoji, change.on, ref))}`;
}

function reactionText(username: string, emoji: string, added: boolean, ref: string): string {
  return `* ${username} ${added ? `reacted ${emoji} to` : `took back ${emoji} on`} ${ref}`;
}

/**
 * How a room is named to the person in it. A stranger room's `pv-…` name is
 * the server's bookkeeping, and nobody runs it, so it is called what it is.
 */
export function roomLabel(room: string): string {
  return room.startsWith(PRIVATE_ROOM_PREFIX) ? "a private conversation" : `#${room}`;
}

/**
 * A notice's text: the server writes it (`alice joined`), so the mark of a
 * signed-in person goes in after their name where the text begins with it.
 */
function noticeText(p: SystemPayload): string {
  const text =
    p.verified && p.text.startsWith(p.username) ? marked(p.username, true) + p.text.slice(p.username.length) : p.text;
  return p.event === SystemEvent.idle ? `${text} (idle)` : text;
}

/**
 * Turns one server frame into the lines a person reads in a terminal, one
 * event per line: `[12:04] <alice> hello`, `[12:04] * bob joined`,
 * `[12:05] [DM alice -> bob] psst`. Frames that are only bookkeeping print nothing.
 */
export function formatFrame(frame: ServerFrame, me: string | null, c: Palette = plain, o: LineOptions = {}): string[] {
  switch (frame.type) {
    case ServerType.welcome: {
      const p = frame.payload;
      const role = p.operator && !p.room.startsWith(PRIVATE_ROOM_PREFIX) ? " (you run this room)" : "";
      const as = c.bold(marked(p.username, p.verified));
      return [c.system(`* joined ${roomLabel(p.room)} as ${as}${role} — /help for commands`)];
    }
    case ServerType.history:
      return frame.payload.messages.flatMap((m) => formatFrame(m, me, c, o));
    case ServerType.chatMessage:
      return [chatLine(frame.payload, me, c, o), ...attachmentLines(frame.payload, c, o)];
    case ServerType.dm: {
      const p = frame.payload;
      const from = marked(p.from, p.verified);
      return [`${c.dim(`[${clock(p.ts)}]`)} ${c.dm(`[DM ${from} -> ${p.to}]`)} ${oneLine(p.message)}`];
    }
    case ServerType.system: {
      const p = frame.payload;
      const text = noticeText(p);
      return [`${c.dim(`[${clock(p.ts)}]`)} ${c.system(`* ${text}`)}`];
    }
    case ServerType.presence: {
      const { joined, left, moreJoined = 0, moreLeft = 0 } = frame.payload;
      const parts = [
        ...(joined.length > 0 ? [`${joined.length + moreJoined} joined: ${someNames(joined, 5, moreJoined)}`] : []),
        ...(left.length > 0 ? [`${left.length + moreLeft} left: ${someNames(left, 5, moreLeft)}`] : []),
      ];
      return parts.length === 0 ? [] : [c.system(`* ${parts.join("; ")}`)];
    }
    case ServerType.users: {
      const names = frame.payload.users.map((u) => {
        const name = marked(u.username, u.verified);
        return u.operator ? `${name} (operator)` : name;
      });
      const more = frame.payload.more ?? 0;
      const unlisted = more > 0 ? ` and ${more} more` : "";
      return [c.system(`* ${names.length + more} here: ${names.join(", ")}${unlisted}`)];
    }
    case ServerType.stats: {
      const p = frame.payload;
      return [
        c.system(
          `* ${p.username} in ${roomLabel(p.room)}: ${p.messagesSent} sent, connected since ${clock(p.connectedAt)}, ${p.userCount} here`,
        ),
      ];
    }
    case ServerType.help:
      return [
        c.system("* commands:"),
        ...frame.payload.commands.map((cmd) => c.system(`*   ${cmd.usage.padEnd(20)} ${cmd.description}`)),
      ];
    case ServerType.bans: {
      const { bans } = frame.payload;
      if (bans.length === 0) return [c.system("* nobody is banned here")];
      return [
        c.system(`* ${bans.length} banned:`),
        ...bans.map((b) => c.system(`*   ${b.username}${b.until === null ? "" : ` until ${clock(b.until)}`}`)),
      ];
    }
    case ServerType.renamed:
      return [c.system(`* you are now ${c.bold(frame.payload.username)}`)];
    case ServerType.userUpdated:
      // The people list shows it; the log has nothing to say.
      return [];
    case ServerType.error: {
      const p = frame.payload;
      const retry = p.retryAfterMs !== undefined ? ` (retry in ${Math.ceil(p.retryAfterMs / 1000)} s)` : "";
      return [c.error(`! ${p.code}: ${p.message}${retry}`)];
    }
    case ServerType.userCount:
    case ServerType.pong:
    case ServerType.ack:
    // v1.10: an answer to this client's own `/upload`, which waits for it (see SlotRequests).
    case ServerType.uploadSlot:
    // Typing notices would scroll the log for nothing a terminal can show; an
    // update or a reaction needs the message it changes, so it is written by
    // updateLines or reactionLine.
    case ServerType.typing:
    case ServerType.messageUpdated:
    case ServerType.reaction:
      return [];
  }
}

/**
 * What a resume left out, in words. Ids are shared with other people's DMs,
 * so the count is how many entries could have been missed, not how many were.
 */
export function skippedNotice({ after, before }: { after: number; before: number }): string {
  const missing = before - after - 1;
  const range = missing === 1 ? `id ${after + 1}` : `ids ${after + 1}-${before - 1}`;
  return `* up to ${missing} ${missing === 1 ? "entry" : "entries"} (${range}) skipped while you were away`;
}
