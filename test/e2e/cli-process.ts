import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

/** The real terminal client as a child process, with its standard output read line by line. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number>;
  #waiters = new Set<() => void>();
  #partial = "";

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ["dist/cli.mjs", ...args], {
      cwd: process.cwd(),
      env: { ...process.env, NO_COLOR: "1" },
    });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      const parts = (this.#partial + chunk).split("\n");
      this.#partial = parts.pop() ?? "";
      this.lines.push(...parts);
      for (const wake of this.#waiters) wake();
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
      for (const wake of this.#waiters) wake();
    });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code ?? -1)));
  }

  /** Resolves with the first output line (from the start) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return this.#until(() => this.lines.find((l) => pattern.test(l)), timeoutMs, `a line matching ${pattern}`);
  }

  waitForStderr(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return this.#until(() => (pattern.test(this.stderr) ? this.stderr : undefined), timeoutMs, `stderr ${pattern}`);
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
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
