import { humanSize } from "./words";

/**
 * How far an upload got, drawn on standard error (v1.10). On a terminal one
 * row is drawn again in place as the bytes go; into a pipe or a file, where a
 * carriage return would only leave clutter, a plain line at each quarter.
 */

/** Columns of the bar itself. */
const BAR_WIDTH = 24;

/** A terminal is drawn at most this often, and at the end. */
const REDRAW_MS = 100;

/** `* uploading notes.txt [######------------------]  25% 2.5 kB of 10 kB` */
export function progressLine(name: string, sent: number, total: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, sent / total);
  const filled = Math.floor(fraction * BAR_WIDTH);
  const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
  // Rounded down: 100% only once the last byte went.
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `* uploading ${name} [${bar}] ${percent} ${humanSize(sent)} of ${humanSize(total)}`;
}

export class UploadProgress {
  #name = "";
  #total = 0;
  #sent = 0;
  #drawnAt = Number.NEGATIVE_INFINITY;
  /** In a pipe: the last quarter written (0 to 4). */
  #quarter = -1;
  /** On a terminal: a row is drawn and not yet ended with a line break. */
  #open = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The upload starts: its bar at 0%. */
  begin(name: string, total: number): void {
    this.#name = name;
    this.#total = total;
    this.sent(0);
  }

  /** `bytes` of the file have gone so far. */
  sent(bytes: number): void {
    this.#sent = bytes;
    const done = bytes >= this.#total;
    if (this.tty) {
      if (!done && this.now() - this.#drawnAt < REDRAW_MS) return;
      this.#drawnAt = this.now();
      this.write(`\r\x1b[K${this.#line()}${done ? "\n" : ""}`);
      this.#open = !done;
      return;
    }
    const quarter = this.#total === 0 ? 4 : Math.floor((4 * Math.min(bytes, this.#total)) / this.#total);
    if (quarter <= this.#quarter) return;
    this.#quarter = quarter;
    this.write(`${this.#line()}\n`);
  }

  /** The upload stopped short: a bar still being drawn is ended where it stood, so what follows gets its own row. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    this.write(`\r\x1b[K${this.#line()}\n`);
  }

  #line(): string {
    return progressLine(this.#name, this.#sent, this.#total);
  }
}
