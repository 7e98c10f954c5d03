import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { LiveSocket } from "../../src/client/cli/live-socket";
import { watchedSockets } from "../../src/client/cli/reach";

/**
 * A burst of frames is in flight when the client lets its socket go; `ws`
 * has read or is inflating some of them already. None may reach the client,
 * and the connection that replaces it hears only its own.
 */

const BURST = 2000;
let server: WebSocketServer | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server on loopback that sends each connection a burst of numbered frames, tagged with the connection. */
async function burstServer(deflate: boolean): Promise<string> {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: deflate ? { threshold: 0 } : false,
  });
  server = wss;
  await new Promise((resolve) => wss.once("listening", resolve));
  let connections = 0;
  wss.on("connection", (ws) => {
    const connection = ++connections;
    for (let i = 1; i <= BURST; i++) ws.send(`${connection}:${i}:${"x".repeat(100)}`);
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
}

/**
 * Opens a socket, lets it go after ten frames (as `how` says), opens the next
 * one at once and waits for that one's burst: the frames handled, in order.
 */
async function dropMidBurst(
  open: (url: string) => WebSocket,
  how: "terminate" | "close",
  deflate: boolean,
): Promise<string[]> {
  const url = await burstServer(deflate);
  const handled: string[] = [];
  await new Promise<void>((resolve) => {
    const first = open(url);
    first.on("message", (data) => {
      handled.push(String(data));
      if (handled.length !== 10) return;
      first[how]();
      const second = open(url);
      second.on("message", (next) => {
        handled.push(String(next));
        if (String(next).startsWith(`2:${BURST}:`)) {
          second.close();
          resolve();
        }
      });
    });
  });
  return handled;
}

const fromFirst = (frames: string[]) => frames.filter((f) => f.startsWith("1:")).length;

describe("a socket the client let go", () => {
  for (const deflate of [true, false]) {
    const compression = deflate ? "with compression" : "without compression";
    const live = (url: string) => new LiveSocket(url, { perMessageDeflate: deflate ? { threshold: 0 } : false });

    it(`hands on no frame once it is terminated mid-burst (${compression})`, async () => {
      const handled = await dropMidBurst(live, "terminate", deflate);
      expect(fromFirst(handled)).toBe(10);
      expect(handled.length).toBe(10 + BURST);
    });

    it(`hands on no frame once it is closed mid-burst (${compression})`, async () => {
      const handled = await dropMidBurst(live, "close", deflate);
      expect(fromFirst(handled)).toBe(10);
      expect(handled.length).toBe(10 + BURST);
    });
  }

  it("is the terminal client's socket too, so its connection never hears an old socket", async () => {
    const TerminalSocket = watchedSockets(() => {});
    const handled = await dropMidBurst((url) => new TerminalSocket(url), "close", true);
    expect(fromFirst(handled)).toBe(10);
  });
});
