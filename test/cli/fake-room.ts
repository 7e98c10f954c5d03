import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** A frame the terminal client sent: a JSON frame, or a command line as typed. */
export type Received = { type: string; payload: Record<string, unknown> } | { line: string };

/** What the fake room does with a frame: the default delivers messages and acks actions, as a room would. */
export type Answer = (frame: Received, socket: WebSocket, room: FakeRoom) => void;

/**
 * A stand-in for rooms on loopback, enough for the terminal client: it
 * welcomes each connection as alice (or as `welcome` says) to the room its
 * path names, replays nothing, and answers each frame with `answer`.
 * Everything received is kept, in order, in `received` (and with its room in
 * `log`), and each upgrade's request headers in `upgrades`.
 */
export class FakeRoom {
  readonly received: Received[] = [];
  readonly upgrades: IncomingHttpHeaders[] = [];
  readonly sockets: WebSocket[] = [];
  /** The room of each socket in `sockets`, from its path. */
  readonly rooms: string[] = [];
  readonly log: { room: string; frame: Received }[] = [];
  #nextId = 1;
  readonly #server: WebSocketServer;
  readonly #connected: ((socket: WebSocket) => void)[] = [];

  private constructor(
    server: WebSocketServer,
    private readonly answer: Answer,
    welcome: object | null,
  ) {
    this.#server = server;
    server.on("connection", (socket, request) => {
      const room = decodeURIComponent(/\/chat\/([^?]*)/.exec(request.url ?? "")?.[1] ?? "lobby");
      this.sockets.push(socket);
      this.rooms.push(room);
      this.upgrades.push(request.headers);
      if (welcome !== null) {
        send(socket, "welcome", {
          username: "alice",
          session: "s",
          room,
          operator: false,
          limits: { maxMessageLength: 2000, maxHistory: 100 },
          epoch: "e1",
          ...welcome,
        });
        send(socket, "history", { messages: [], truncated: false });
      }
      socket.on("message", (data) => {
        const text = String(data);
        const frame: Received = text.startsWith("{") ? JSON.parse(text) : { line: text };
        if ("type" in frame && frame.type === "ping") return send(socket, "pong", {});
        this.received.push(frame);
        this.log.push({ room, frame });
        this.answer(frame, socket, this);
      });
      for (const waiter of this.#connected.splice(0)) waiter(socket);
    });
  }

  /**
   * `welcome`: fields that replace the welcome's, such as a signed-in
   * `username`, `verified` and `authorId`; null welcomes nobody, for a test
   * that answers the upgrade itself (a refusal at the door).
   */
  static async start(answer: Answer = deliver, welcome: object | null = {}): Promise<FakeRoom> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server.once("listening", resolve));
    return new FakeRoom(server, answer, welcome);
  }

  get origin(): string {
    return `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get nextId(): number {
    return this.#nextId++;
  }

  /** The latest socket to `room`. */
  socketIn(room: string): WebSocket {
    const socket = this.sockets[this.rooms.lastIndexOf(room)];
    if (!socket) throw new Error(`no connection to ${room}`);
    return socket;
  }

  /** What the client sent to `room`, in order. */
  receivedIn(room: string): Received[] {
    return this.log.filter((entry) => entry.room === room).map((entry) => entry.frame);
  }

  /** Resolves with the next connection made. */
  connection(): Promise<WebSocket> {
    return new Promise((resolve) => this.#connected.push(resolve));
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

export function send(socket: WebSocket, type: string, payload: object): void {
  socket.send(JSON.stringify({ type, payload }));
}

/** As a room answers: a message is delivered and acked, an action acked, `/quit` closes normally. */
export const deliver: Answer = (frame, socket, room) => {
  if ("line" in frame) {
    if (frame.line === "/quit") socket.close(1000, "bye");
    return;
  }
  const { clientId } = frame.payload;
  const id = room.nextId;
  const ts = Date.now();
  if (frame.type === "chatMessage") {
    send(socket, "chatMessage", { id, username: "alice", message: frame.payload.message, ts });
  }
  if (typeof clientId === "string") send(socket, "ack", { clientId, id, ts });
};
