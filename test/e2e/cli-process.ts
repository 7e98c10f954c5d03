import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { renderScreen } from "./screen";

export interface CliProcessOptions {
  /**
   * Run the client on a pseudo-terminal (through util-linux `script`), as a
   * person would: readline echoes and prompts, and the bell rings. Standard
   * error shares the terminal, so `lines` and `waitForStderr` read the screen.
   */
  tty?: boolean;
  /** The terminal's width, with `tty`. */
  columns?: number;
}

/** Whether `script` is there to give a child process a terminal. */
export const canUseTty = spawnSync("script", ["--version"]).status === 0;

const shellQuote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** The real terminal client as a child process, with its standard output read line by line. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  /** Everything written to the terminal, escape sequences included (with `tty`). */
  raw = "";
  #stderr = "";
  readonly exited: Promise<number>;
  readonly #tty: boolean;
  readonly #columns: number;
  #waiters = new Set<() => void>();
  #partial = "";

  constructor(args: string[], options: CliProcessOptions = {}) {
    this.#tty = options.tty ?? false;
    this.#columns = options.columns ?? 100;
    const env = { ...process.env, NO_COLOR: "1", TERM: "xterm" };
    const command = [process.execPath, "dist/cli.mjs", ...args].map(shellQuote).join(" ");
    this.child = this.#tty
      ? spawn("script", ["-qfec", `stty cols ${this.#columns} rows 40; exec ${command}`, "/dev/null"], {
          cwd: process.cwd(),
          env,
        })
      : spawn(process.execPath, ["dist/cli.mjs", ...args], { cwd: process.cwd(), env });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      this.raw += chunk;
      const parts = (this.#partial + chunk).split("\n");
      this.#partial = parts.pop() ?? "";
      this.#lines.push(...parts);
      for (const wake of this.#waiters) wake();
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.#stderr += chunk;
      for (const wake of this.#waiters) wake();
    });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code ?? -1)));
  }

  /** Output lines; on a terminal, the rows as the screen shows them. */
  get lines(): string[] {
    return this.#tty ? this.screen().rows : this.#lines;
  }

  get stderr(): string {
    return this.#tty ? this.screen().rows.join("\n") : this.#stderr;
  }

  /** What the terminal shows now (with `tty`). */
  screen(): { rows: string[]; bells: number } {
    return renderScreen(this.raw, this.#columns);
  }

  /** Resolves with the first output line (from the start) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return this.#until(() => this.lines.find((l) => pattern.test(l)), timeoutMs, `a line matching ${pattern}`);
  }

  waitForStderr(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return this.#until(
      () => {
        const text = this.stderr;
        return pattern.test(text) ? text : undefined;
      },
      timeoutMs,
      `stderr ${pattern}`,
    );
  }

  /** Resolves once `check` holds, looking again at each output. */
  async waitUntil(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    await this.#until(() => (check() ? true : undefined), timeoutMs, what);
  }

  type(line: string): void {
    this.child.stdin.write(this.#tty ? `${line}\r` : `${line}\n`);
  }

  endInput(): void {
    this.child.stdin.end();
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }

  #until<T>(take: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = take();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}\nstdout:\n${this.lines.join("\n")}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const check = () => {
        const value = take();
        if (value !== undefined) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(value);
        }
      };
      this.#waiters.add(check);
    });
  }
}
