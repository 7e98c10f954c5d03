import { exports } from "cloudflare:workers";
import { onTestFinished, vi } from "vitest";
import type { ServerFrame, ServerFrameType } from "../../src/protocol";

/** A fresh room per test, so tests never see each other's messages. */
export function freshRoom(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
}

type FrameOfType<K extends ServerFrameType> = Extract<ServerFrame, { type: K }>;

/** A test client: a real WebSocket into the worker, with waits that time out instead of sleeps. */
export interface TestClient {
  ws: WebSocket;
  /** Every frame received so far, parsed when it is JSON (arrays are spread). */
  received: (ServerFrame | string)[];
  /** The text of each WebSocket message as it arrived. */
  raw: string[];
  /** The next frame not yet taken by `next`/`waitFor`. */
  next(timeoutMs?: number): Promise<ServerFrame | string>;
  /** Skips frames until one of `type` (and matching `where`) arrives. */
  waitFor<K extends ServerFrameType>(
    type: K,
    where?: (f: FrameOfType<K>) => boolean,
    timeoutMs?: number,
  ): Promise<FrameOfType<K>>;
  /** Skips frames until this exact raw text arrives (the heartbeat's "pong"). */
  waitForText(text: string, timeoutMs?: number): Promise<string>;
  send(frame: unknown): void;
  /** Resolves with the close the server sent. */
  closed: Promise<{ code: number; reason: string }>;
  /** Round trip through the room: every frame the room sent before it has arrived. */
  sync(): Promise<void>;
  close(code?: number): void;
}

export function connect(
  room: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<TestClient> {
  return connectPath(`/chat/${room}`, params, headers);
}

/** Opens a WebSocket to any path of the worker (`/chat/<room>`, `/match`), with more request headers if given (a cookie). */
export async function connectPath(
  path: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<TestClient> {
  const query = new URLSearchParams(params).toString();
  const res = await exports.default.fetch(`http://hallway.test${path}${query ? `?${query}` : ""}`, {
    headers: { ...headers, Upgrade: "websocket" },
  });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no WebSocket: HTTP ${res.status} ${await res.text()}`);
  ws.accept();

  const received: (ServerFrame | string)[] = [];
  const raw: string[] = [];
  let cursor = 0;
  const waiters = new Set<() => void>();
  let resolveClosed: (v: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((r) => {
    resolveClosed = r;
  });
  ws.addEventListener("message", (event) => {
    const data = typeof event.data === "string" ? event.data : "<binary>";
    raw.push(data);
    let frames: (ServerFrame | string)[] = [data];
    try {
      // A busy room sends several frames in one JSON array.
      const json = JSON.parse(data) as ServerFrame | ServerFrame[];
      frames = Array.isArray(json) ? json : [json];
    } catch {
      // Raw text such as the heartbeat's "pong".
    }
    received.push(...frames);
    for (const wake of waiters) wake();
  });
  ws.addEventListener("close", (event) => {
    resolveClosed({ code: event.code, reason: event.reason });
    for (const wake of waiters) wake();
  });

  function until<T>(take: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = take();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(received.slice(-5))}`));
      }, timeoutMs);
      function check() {
        const value = take();
        if (value !== undefined) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(value);
        }
      }
      waiters.add(check);
    });
  }

  const client: TestClient = {
    ws,
    received,
    raw,
    closed,
    next: (timeoutMs = 3000) =>
      until(() => (cursor < received.length ? received[cursor++] : undefined), timeoutMs, "a frame"),
    waitFor<K extends ServerFrameType>(type: K, where?: (f: FrameOfType<K>) => boolean, timeoutMs = 3000) {
      const matches = (f: ServerFrame | string | undefined): f is FrameOfType<K> =>
        typeof f === "object" && f.type === type;
      return until<FrameOfType<K>>(
        () => {
          while (cursor < received.length) {
            const f = received[cursor++];
            if (matches(f) && (!where || where(f))) return f;
          }
          return undefined;
        },
        timeoutMs,
        `a ${type} frame`,
      );
    },
    waitForText: (text, timeoutMs = 3000) =>
      until(
        () => {
          while (cursor < received.length) if (received[cursor++] === text) return text;
          return undefined;
        },
        timeoutMs,
        JSON.stringify(text),
      ),
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    async sync() {
      client.send({ type: "ping", payload: {} });
      await client.waitFor("pong");
    },
    close: (code = 1000) => ws.close(code, "test done"),
  };
  return client;
}

/** Connects and reads the join sequence, returning the client and its welcome. */
export async function join(room: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const client = await connect(room, params, headers);
  const welcome = await client.waitFor("welcome");
  await client.waitFor("userCount");
  return { client, welcome: welcome.payload };
}

/** Every frame of `type` this client has received. */
export function framesOf<K extends ServerFrameType>(client: TestClient, type: K): FrameOfType<K>[] {
  return client.received.filter((f): f is FrameOfType<K> => typeof f === "object" && f.type === type);
}

/**
 * Collects what the worker writes with `console.log` from now on, one string per
 * call, until the test ends.
 */
export function captureLogs(): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  onTestFinished(() => spy.mockRestore());
  return lines;
}

/** Who the captured log lines name for `event` in `room`, lone and grouped lines alike, in order. */
export function loggedNames(lines: readonly string[], room: string, event: string): string[] {
  return lines
    .map((l) => JSON.parse(l) as { event?: string; room?: string; username?: string; usernames?: string[] })
    .filter((e) => e.event === event && e.room === room)
    .flatMap((e) => e.usernames ?? (e.username ? [e.username] : []));
}
