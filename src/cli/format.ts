import { nameKey, type ServerFrame, ServerType, SystemEvent } from "../protocol";

/** Colours to apply, or identity functions when the output is not a terminal. */
export interface Palette {
  dim(text: string): string;
  bold(text: string): string;
  own(text: string): string;
  dm(text: string): string;
  system(text: string): string;
  error(text: string): string;
}

export const plain: Palette = {
  dim: (t) => t,
  bold: (t) => t,
  own: (t) => t,
  dm: (t) => t,
  system: (t) => t,
  error: (t) => t,
};

function clock(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

// Messages are cleaned by the server, but a line break in a message would
// break "one line per message" for scripts reading the output.
const oneLine = (text: string) => text.replace(/\n/g, " ⏎ ");

/**
 * Turns one server frame into the lines a person reads in a terminal, one
 * event per line: `[12:04] <alice> hello`, `[12:04] * bob joined`,
 * `[12:05] [DM alice -> bob] psst`. Frames that are only bookkeeping print nothing.
 */
export function formatFrame(frame: ServerFrame, me: string | null, c: Palette = plain): string[] {
  const mine = (name: string) => me !== null && nameKey(name) === nameKey(me);
  switch (frame.type) {
    case ServerType.welcome: {
      const p = frame.payload;
      const role = p.operator ? " (you run this room)" : "";
      return [c.system(`* joined #${p.room} as ${c.bold(p.username)}${role} — /help for commands`)];
    }
    case ServerType.history:
      return frame.payload.messages.flatMap((m) => formatFrame(m, me, c));
    case ServerType.chatMessage: {
      const p = frame.payload;
      const who = mine(p.username) ? c.own(`<${p.username}>`) : c.bold(`<${p.username}>`);
      return [`${c.dim(`[${clock(p.ts)}]`)} ${who} ${oneLine(p.message)}`];
    }
    case ServerType.dm: {
      const p = frame.payload;
      return [`${c.dim(`[${clock(p.ts)}]`)} ${c.dm(`[DM ${p.from} -> ${p.to}]`)} ${oneLine(p.message)}`];
    }
    case ServerType.system: {
      const p = frame.payload;
      const text = p.event === SystemEvent.idle ? `${p.text} (idle)` : p.text;
      return [`${c.dim(`[${clock(p.ts)}]`)} ${c.system(`* ${text}`)}`];
    }
    case ServerType.users: {
      const names = frame.payload.users.map((u) => (u.operator ? `${u.username} (operator)` : u.username));
      return [c.system(`* ${names.length} here: ${names.join(", ")}`)];
    }
    case ServerType.stats: {
      const p = frame.payload;
      return [
        c.system(
          `* ${p.username} in #${p.room}: ${p.messagesSent} sent, connected since ${clock(p.connectedAt)}, ${p.userCount} here`,
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
    case ServerType.error: {
      const p = frame.payload;
      const retry = p.retryAfterMs !== undefined ? ` (retry in ${Math.ceil(p.retryAfterMs / 1000)} s)` : "";
      return [c.error(`! ${p.code}: ${p.message}${retry}`)];
    }
    case ServerType.userCount:
    case ServerType.pong:
    case ServerType.ack:
    case ServerType.typing:
    case ServerType.messageUpdated:
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
