import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import type { HistoryFrame, ServerFrame } from "../../src/protocol";
import { ChaosClient } from "../../tools/chaos-client";

/**
 * The chaos run's client against a scripted room on loopback: it must count
 * what its live connection shows, and nothing that a connection it dropped
 * hands over afterwards, or it reports doubles that no client shows.
 */

const chat = (id: number): HistoryFrame => ({
  type: "chatMessage",
  payload: { id, username: "other", message: `m${id}`, ts: 1_000 + id },
});
const welcome: ServerFrame = {
  type: "welcome",
  payload: {
    username: "chaos0",
    session: "chaos-session-0",
    room: "r",
    operator: false,
    limits: { maxMessageLength: 2000, maxHistory: 100 },
    epoch: "e1",
  },
};
const replay = (messages: HistoryFrame[], truncated = false): ServerFrame[] => [
  welcome,
  { type: "history", payload: { messages, truncated } },
];

/** A room on loopback: `script` answers each connection (numbered from 1) given its `since`. */
class ScriptedRoom {
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  connections = 0;
  pagesAsked = 0;
  /** History pages wait for this before they are answered. */
  pagesWait: Promise<void> = Promise.resolve();

  constructor(
    readonly log: HistoryFrame[],
    script: (connection: number, since: number, ws: WebSocket) => void,
  ) {
    this.#http = createServer((req, res) => {
      const after = Number(new URL(req.url ?? "/", "http://x").searchParams.get("after") ?? 0);
      this.pagesAsked++;
      void this.pagesWait.then(() => {
        const messages = this.log.filter((m) => m.payload.id > after).slice(0, 100);
        const hasMore =
          messages.length === 100 && this.log.some((m) => m.payload.id > (messages.at(-1)?.payload.id ?? 0));
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ messages, hasMore }));
      });
    });
    this.#wss = new WebSocketServer({ server: this.#http, perMessageDeflate: { threshold: 0 } });
    this.#wss.on("connection", (ws, req) => {
      const since = Number(new URL(req.url ?? "/", "http://x").searchParams.get("since") ?? 0);
      script(++this.connections, since, ws);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#http.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  after(since: number): HistoryFrame[] {
    return this.log.filter((m) => m.payload.id > since);
  }

  async stop(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise((resolve) => this.#wss.close(resolve));
    await new Promise((resolve) => this.#http.close(resolve));
  }
}

const rooms: ScriptedRoom[] = [];
const clients: ChaosClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  for (const r of rooms.splice(0)) await r.stop();
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function clientOf(room: ScriptedRoom): Promise<ChaosClient> {
  rooms.push(room);
  const url = await room.start();
  // No pause before reconnecting: the new connection chooses `since` while the old one's frames are in flight.
  const client = new ChaosClient(url, "r", 0, () => {}, { reconnectDelayMs: [0, 0] });
  clients.push(client);
  client.connect();
  return client;
}

describe("the chaos client", () => {
  it("counts no frame that a socket it dropped hands over after the resume was chosen", async () => {
    const log = Array.from({ length: 400 }, (_, i) => chat(i + 1));
    const room = new ScriptedRoom(log, (connection, since, ws) => {
      if (connection > 1) return ws.send(JSON.stringify(replay(room.after(since))));
      // The first connection gets the room's messages live, each in a frame of its own.
      ws.send(JSON.stringify(replay([])));
      for (const m of log) ws.send(JSON.stringify(m));
    });
    const client = await clientOf(room);
    await until(() => client.lastId >= 10, "the first live messages");
    client.drop();
    await until(() => room.connections === 2 && client.welcomed && client.lastId === 400, "the resume");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.doubles).toEqual([]);
    expect(client.seen.size).toBe(400);
  });

  it("counts nothing of a replay whose gap was still being filled when its socket was dropped", async () => {
    const log = Array.from({ length: 300 }, (_, i) => chat(i + 1));
    let release = () => {};
    const room = new ScriptedRoom(log, (connection, since, ws) => {
      if (connection === 1) ws.send(JSON.stringify(replay(log.slice(0, 5))));
      // The second connection's replay leaves a gap, which the client fills from pages that wait.
      else if (connection === 2) ws.send(JSON.stringify(replay(log.slice(199), true)));
      else ws.send(JSON.stringify(replay(room.after(since))));
    });
    room.pagesWait = new Promise((resolve) => {
      release = resolve;
    });
    const client = await clientOf(room);
    await until(() => client.lastId === 5, "the first replay");
    client.drop();
    await until(() => room.pagesAsked === 1, "the second connection to ask for the gap");
    client.drop();
    await until(() => room.connections === 3 && client.welcomed && client.lastId === 300, "the third connection");
    release();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.doubles).toEqual([]);
    expect(client.seen.size).toBe(300);
  });
});
