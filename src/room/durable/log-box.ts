import type { LogEntry } from "../core/effects";

/** Log events that a busy flush writes as one line with a count. */
const GROUPED_LOG_EVENTS: ReadonlySet<string> = new Set(["connect", "join", "tab", "resume", "away", "leave"]);

/**
 * The room's log lines, held until the room flushes. A line goes through
 * `wrangler dev` or Cloudflare's log pipeline as one write each, so connects,
 * joins and leaves of one flush share a line (`count`, `usernames`): a storm
 * of a thousand joins is a few writes, not thousands. Every other event keeps
 * a line of its own, in order.
 */
export class LogBox {
  #entries: (LogEntry & { room: string })[] = [];

  get isEmpty(): boolean {
    return this.#entries.length === 0;
  }

  add(room: string, entry: LogEntry): void {
    this.#entries.push({ ...entry, room });
  }

  /** Writes what is waiting, one JSON object per line, and empties the box. */
  flush(write: (line: string) => void = console.log): void {
    if (this.#entries.length === 0) return;
    const entries = this.#entries;
    this.#entries = [];
    const grouped = new Map<string, (LogEntry & { room: string })[]>();
    for (const entry of entries) {
      if (!GROUPED_LOG_EVENTS.has(entry.event)) {
        write(JSON.stringify(entry));
        continue;
      }
      const group = grouped.get(entry.event) ?? [];
      group.push(entry);
      grouped.set(entry.event, group);
    }
    for (const [event, group] of grouped) {
      const [first] = group;
      if (group.length === 1) write(JSON.stringify(first));
      else {
        const usernames = group.flatMap((e) => (typeof e.username === "string" ? [e.username] : []));
        write(JSON.stringify({ event, room: first?.room, count: group.length, usernames }));
      }
    }
  }
}
