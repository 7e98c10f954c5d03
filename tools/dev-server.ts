import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DevServer {
  url: string;
  /**
   * With `direct`: the worker's own address inside `wrangler dev`, past its
   * proxy. The proxy holds four file descriptors per WebSocket, so behind it a
   * process limit of 20,000 stops a room near 4,950 sockets; the worker's own
   * process holds two.
   */
  workerUrl?: string;
  port: number;
  /** The process group of wrangler and its workerd children, so their CPU can be told from another server's. */
  group: number | undefined;
  persistDir: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop(): Promise<void>;
  /**
   * Stops the server's processes (SIGSTOP) without closing anything: sockets
   * stay open and frames go unanswered, as with a hung server or a network
   * that dropped without a word. `thaw` lets it run on; `stop` ends it either way.
   */
  freeze(): void;
  thaw(): void;
}

export interface DevServerOptions {
  /** Another worker's wrangler config (the benchmark's floor); unset, the app's `wrangler.toml`. */
  config?: string;
  port?: number;
  /** The inspector's port; a free one when unset. */
  inspectorPort?: number;
  /** Reuse storage from an earlier server, to prove a restart loses nothing. */
  persistDir?: string;
  vars?: Record<string, string>;
  /** Find the worker's own address (`workerUrl`), which `wrangler dev` prints only at debug level. */
  direct?: boolean;
}

/** Where `wrangler dev` (at debug level) says the worker itself listens; the newest, after reloads. */
const WORKER_URL = /"userWorkerUrl":\{"protocol":"(https?:)","hostname":"([^"]+)","port":"(\d+)"\}/g;

export function workerUrlIn(output: string): string | undefined {
  const found = [...output.matchAll(WORKER_URL)].at(-1);
  return found ? `${found[1]}//${found[2]}:${found[3]}` : undefined;
}

/**
 * Starts `wrangler dev` on loopback, as a person would with `npm run dev`,
 * and resolves once `/healthz` answers (the floor's worker answers it too).
 * Each server gets its own storage unless told to reuse one.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const inspector = options.inspectorPort ?? (await freePort());
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "hallway-e2e-"));
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child: ChildProcess = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      ...(options.config ? ["--config", options.config] : []),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      persistDir,
      "--show-interactive-dev-session=false",
      ...(options.direct ? ["--log-level", "debug"] : []),
      ...vars,
    ],
    { cwd: process.cwd(), detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;

  // The server and its workerd children share one process group (detached), so signals go to all of them.
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, name);
    } catch {
      // Already gone.
    }
  };

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.pid === undefined) return resolve();
      child.once("exit", () => resolve());
      try {
        process.kill(-child.pid, "SIGTERM");
        // A frozen server gets the SIGTERM only once it runs again.
        process.kill(-child.pid, "SIGCONT");
      } catch {
        resolve();
      }
      setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }, 5000).unref();
    });

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      const workerUrl = options.direct ? workerUrlIn(output) : undefined;
      if (res.ok && (!options.direct || workerUrl)) {
        return {
          url,
          workerUrl,
          port,
          group: child.pid,
          persistDir,
          output: () => output,
          stop,
          freeze: () => signal("SIGSTOP"),
          thaw: () => signal("SIGCONT"),
        };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /healthz within 90 s:\n${output}`);
}
