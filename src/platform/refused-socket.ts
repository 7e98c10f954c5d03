import { type ErrorPayload, ServerType, serverFrame } from "../protocol";

/**
 * Accepts a WebSocket only to say why it may not stay: one `error` frame,
 * then the close code. A plain accept, not a hibernatable one: the socket
 * lives for one frame, and a hibernatable socket closed from `fetch()` held
 * its connection open for about ten seconds after the close handshake under
 * wrangler dev.
 */
export function refusedSocket(error: ErrorPayload, closeCode: number): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  server.send(JSON.stringify(serverFrame(ServerType.error, error)));
  server.close(closeCode, error.code);
  return new Response(null, { status: 101, webSocket: client });
}
