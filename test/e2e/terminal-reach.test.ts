import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../tools/dev-server";
import { CliProcess } from "./cli-process";

/**
 * A terminal client that never reaches a Hallway server says where it tried
 * and why it failed, once per reason, and gives up with exit 1 after
 * --retries more tries. No worker is needed: a closed port and a plain HTTP
 * server are the failures.
 */

const running: CliProcess[] = [];
let http: Server;
let httpUrl: string;

function hallway(...args: string[]): CliProcess {
  const cli = new CliProcess(args);
  running.push(cli);
  return cli;
}

beforeAll(async () => {
  // Answers every request, WebSocket upgrades included, with 503: a proxy in front of a server that is down.
  http = createServer((_req, res) => {
    res.writeHead(503, { "content-type": "text/plain" });
    res.end("down for maintenance");
  });
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  httpUrl = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
});

afterAll(async () => {
  await new Promise((resolve) => http?.close(resolve));
});

describe("a terminal client that never connects", () => {
  it("names the URL and the refused connection once, then exits 1 after --retries more tries", async () => {
    const port = await freePort();
    const cli = hallway(`http://127.0.0.1:${port}`, "--room", "ops", "--username", "bot", "--retries", "2");
    const started = Date.now();
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.trim().split("\n")).toEqual([
      `* could not connect to ws://127.0.0.1:${port}/chat/ops: connection refused (nothing listens on 127.0.0.1:${port}; is the server running?); trying again (2 more tries)…`,
      "hallway: gave up after 3 tries",
    ]);
    // Bounded: three quick tries, not the backoff of a client that was connected once.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(cli.lines.join("")).toBe("");
    // The session is an identity; it is never printed.
    expect(cli.stderr).not.toMatch(/session=/);
  });

  it("says which HTTP status answered instead of a WebSocket", async () => {
    const cli = hallway(httpUrl, "--room", "ops", "--retries", "1");
    expect(await cli.exited).toBe(1);
    const origin = httpUrl.replace("http:", "ws:");
    expect(cli.stderr.trim().split("\n")).toEqual([
      `* could not connect to ${origin}/chat/ops: HTTP 503 Service Unavailable (the server is unavailable); trying again (1 more try)…`,
      "hallway: gave up after 2 tries",
    ]);
  });

  it("with --retries 0 tries once and says everything in its last line", async () => {
    const cli = hallway(httpUrl, "--retries", "0");
    expect(await cli.exited).toBe(1);
    const origin = httpUrl.replace("http:", "ws:");
    expect(cli.stderr).toBe(
      `hallway: could not connect to ${origin}/chat/lobby: HTTP 503 Service Unavailable (the server is unavailable)\n`,
    );
  });

  it("tells a TLS failure and a name that does not resolve apart", async () => {
    // https:// to a server that speaks plain HTTP: the handshake fails.
    const tls = hallway(httpUrl.replace("http:", "https:"), "--retries", "0");
    const dns = hallway("http://no-such-host.invalid", "--retries", "0");
    expect(await tls.exited).toBe(1);
    expect(await dns.exited).toBe(1);
    expect(tls.stderr).toMatch(
      /^hallway: could not connect to wss:\/\/127\.0\.0\.1:\d+\/chat\/lobby: TLS: .*wrong version number/,
    );
    expect(dns.stderr).toMatch(
      /^hallway: could not connect to ws:\/\/no-such-host\.invalid\/chat\/lobby: DNS: (no such host|could not look up) no-such-host\.invalid/,
    );
  });

  it("does the same while looking for a stranger (--match)", async () => {
    const port = await freePort();
    const cli = hallway(`http://127.0.0.1:${port}`, "--match", "--retries", "1");
    expect(await cli.exited).toBe(1);
    expect(cli.stderr).toMatch(
      new RegExp(`^\\* could not connect to ws://127\\.0\\.0\\.1:${port}/match: connection refused`),
    );
    expect(cli.stderr).toMatch(/\nhallway: gave up after 2 tries\n$/);
  });

  it("reports what was typed and never delivered", async () => {
    const port = await freePort();
    const cli = hallway(`http://127.0.0.1:${port}`, "--retries", "1");
    cli.type("is anyone there?");
    expect(await cli.exited).toBe(1);
    expect(cli.stderr).toMatch(/hallway: 1 line not delivered: "is anyone there\?"$/m);
  });
});
