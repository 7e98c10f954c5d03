import { PassThrough } from "node:stream";
import type { Fetch } from "../../src/client/cli/account-http";
import type { CliOptions } from "../../src/client/cli/options";
import { runTerminal } from "../../src/client/cli/run-terminal";

/** Options for a run against `origin`, as alice in the lobby, with `changes` on top. */
export function options(origin: string, changes: Partial<CliOptions> = {}): CliOptions {
  return {
    origin,
    room: "lobby",
    username: "alice",
    session: "s",
    color: false,
    match: false,
    interests: { tags: [], wants: [] },
    ids: false,
    retries: 0,
    ...changes,
  };
}

/**
 * Runs the client with piped streams; `out` and `err` read what it has
 * written so far. `fetch` stands in for the network of `/search`.
 */
export function run(origin: string, changes: Partial<CliOptions> = {}, fetch?: Fetch) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  const exit = runTerminal(options(origin, changes), { stdin, stdout, stderr, ...(fetch ? { fetch } : {}) });
  return { stdin, exit, out: () => out, err: () => err };
}

export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
