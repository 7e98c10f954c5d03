/**
 * Sockets as the Workers runtime has them: what to answer a close with, and a
 * send that cannot throw. Shared by every Durable Object that holds sockets.
 */

/**
 * The close code to answer a peer's close with. 1005 and 1006 only describe
 * what happened and may not be sent; other reserved codes become 1000.
 */
export function answerCode(code: number): number {
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return sendable ? code : 1000;
}

/**
 * What the objects use of a socket the runtime holds for them (a hibernatable
 * WebSocket has this shape as it is; tests hand over sockets that record).
 */
export interface HeldSocket {
  readonly readyState: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

/** Sends to open sockets only; a send to one that died a moment ago must not stop the others. */
export function send(ws: HeldSocket, text: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  try {
    ws.send(text);
  } catch {
    // The close handler will account for it.
  }
}
