import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { CliProcess, type CliProcessOptions, canUseTty } from "./cli-process";

/**
 * `/upload path [caption]` in the real terminal client, against `wrangler
 * dev` and its local R2: the file goes with a progress bar on standard
 * error, and another person's terminal shows it with its name, size and an
 * address that serves the very same bytes.
 */

/** The server's limit for one file, small here so a file over it is cheap to make. */
const MAX_FILE_BYTES = 4096;

let server: DevServer;
const running: CliProcess[] = [];
const stamp = Date.now().toString(36);
const folder = mkdtempSync(join(tmpdir(), "hallway-files-"));

/** A terminal client in `room` as `username`, once its own join is printed. */
async function joined(room: string, username: string, options?: CliProcessOptions): Promise<CliProcess> {
  const cli = new CliProcess([server.url, "--room", room, "--username", username], options);
  running.push(cli);
  await cli.waitForLine(new RegExp(`\\* ${username} joined$`));
  return cli;
}

beforeAll(async () => {
  server = await startDevServer({
    port: 8951,
    inspectorPort: 9351,
    vars: { JOIN_RATE_PER_MINUTE: "1000", MAX_FILE_BYTES: String(MAX_FILE_BYTES) },
  });
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
});

afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("files from the terminal", () => {
  it("uploads a file with its caption, and the other person gets its name, size and an address serving its bytes", async () => {
    const room = `files-${stamp}`;
    const path = join(folder, "notes.txt");
    const text = "hello from a file\nwith a second line\n";
    writeFileSync(path, text);
    const bob = await joined(room, "bob");
    const alice = await joined(room, "alice");

    alice.type(`/upload ${path} here are my notes`);
    // Standard error is a pipe here: plain lines, up to the whole file.
    await alice.waitForStderr(
      new RegExp(`\\* uploading notes\\.txt \\[#+\\] 100% ${text.length} B of ${text.length} B\\n`),
    );
    expect(alice.stderr).toContain(`* uploading notes.txt [------------------------]   0% 0 B of ${text.length} B\n`);

    await bob.waitForLine(/^\[\d\d:\d\d\] <alice> here are my notes$/);
    const file = await bob.waitForLine(/📎/);
    const match = new RegExp(
      `^  📎 notes\\.txt \\(${text.length} B\\) (${server.url}/files/${room}/[0-9a-f]{32})$`,
    ).exec(file);
    expect(match, file).not.toBeNull();
    // The line right under the message is its file.
    expect(bob.lines[bob.lines.indexOf(file) - 1]).toMatch(/<alice> here are my notes$/);
    const served = await fetch(match?.[1] ?? "");
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(text);
    // Alice's own log shows it the same way.
    await alice.waitForLine(new RegExp(`^  📎 notes\\.txt \\(${text.length} B\\) ${server.url}/files/${room}/`));

    alice.endInput();
    expect(await alice.exited).toBe(0);
  });

  it("says a missing file is missing and a file over the server's limit is too large, and sends nothing for either", async () => {
    const room = `refused-${stamp}`;
    const big = join(folder, "big.bin");
    writeFileSync(big, Buffer.alloc(MAX_FILE_BYTES + 1000, 7));
    const bob = await joined(room, "bob");
    const alice = await joined(room, "alice");

    alice.type(`/upload ${join(folder, "nope.txt")} never sent`);
    alice.type(`/upload ${big} nor this`);
    alice.type("after the refusals");
    await bob.waitForLine(/<alice> after the refusals$/);
    expect(alice.lines.filter((l) => l.startsWith("!"))).toEqual([
      `! not uploaded: ${join(folder, "nope.txt")}: no such file`,
      `! not uploaded: big.bin (5.1 kB) is too large for this server; the largest file it takes is 4.1 kB (too_large: a file is at most ${MAX_FILE_BYTES} bytes)`,
    ]);
    // Nothing reached the room but the last line.
    expect(bob.lines.filter((l) => l.includes("<alice>"))).toEqual([
      expect.stringMatching(/<alice> after the refusals$/),
    ]);
    expect(bob.lines.join("\n")).not.toContain("📎");
    expect(alice.stderr).not.toContain("uploading");
  });

  it.skipIf(!canUseTty)(
    "on a terminal draws the bar in place, one row that ends at 100%, with the prompt back below",
    async () => {
      const room = `tty-${stamp}`;
      const path = join(folder, "page.txt");
      writeFileSync(path, "x".repeat(3000));
      const alice = await joined(room, "alice", { tty: true });
      alice.type(`/upload ${path}`);
      await alice.waitForLine(/^ {2}📎 page\.txt \(3 kB\) /);
      await alice.waitUntil(() => alice.lines.at(-1) === "alice>", "the prompt on the last row");
      expect(alice.raw).toContain("\r\x1b[K* uploading page.txt [");
      expect(alice.lines.filter((l) => l.includes("uploading"))).toEqual([
        "* uploading page.txt [########################] 100% 3 kB of 3 kB",
      ]);
    },
  );
});
