import { DurableObject } from "cloudflare:workers";
import { answerCode } from "../../src/platform/sockets";

/**
 * The benchmark's floor: the least a broadcasting Durable Object can do.
 * It relays each text frame to every socket, with no parsing, storage or
 * checks, so the benchmark can report the room's figures as ratios to what
 * the platform itself allows on the same machine in the same run. It lives
 * in a worker of its own (`bench/floor`), never in the app's.
 */
export class BenchFloor extends DurableObject {
  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    // One frame on join, as the room sends its history, so "ready" means a round trip in both.
    pair[1].send("ready");
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(_ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // Gone.
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(answerCode(code), "bye");
    } catch {
      // Already closed.
    }
  }
}
