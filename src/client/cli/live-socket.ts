import WebSocket from "ws";

/**
 * A `ws` WebSocket that, as a browser's does, hands on no message once it is
 * closing. `ws` goes on emitting the frames it had already read, or was still
 * inflating, after `close()` or `terminate()`. A client that dropped a socket
 * has already chosen where its next connection resumes (`since`), so a late
 * frame from the old one would show an id that the new one's replay brings
 * again. Every Node client in the project opens its sockets from this class.
 */
export class LiveSocket extends WebSocket {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "message" && this.readyState !== WebSocket.OPEN) return false;
    return super.emit(event, ...args);
  }
}
