import { STATUS_CODES } from "node:http";
import type WebSocket from "ws";
import { LiveSocket } from "./live-socket";

/**
 * Why a connection could not be made, in words. partysocket reports every
 * failed try as the same bare close, so the terminal client watches the
 * sockets themselves (see `watchedSockets`) and turns the `ws` error into
 * something a person can act on: nothing listening, a name that does not
 * resolve, a certificate problem, or an HTTP answer instead of a WebSocket.
 */

/** One try at opening a socket, as far as it got. */
export interface Attempt {
  /** The address tried, without its query (which carries the session). */
  url: string;
  opened: boolean;
  failure: (Error & { code?: string }) | null;
}

/** `ws://host/chat/room?username=…&session=…` → `ws://host/chat/room`: the session is not for printing. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\?.*$/, "");
  }
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "EPROTO",
]);

/** Hints for the HTTP answers a person is likely to meet instead of a WebSocket. */
const STATUS_HINTS: Record<number, string> = {
  400: "the server refused the request",
  403: "the server does not allow this client here",
  404: "nothing there: is this a Hallway server?",
  426: "the server wants a WebSocket upgrade it did not get: a proxy in between?",
  429: "too many joins from this address; wait a minute",
  503: "the server is unavailable",
};

/** A failed try, in words: `connection refused (nothing listens on 127.0.0.1:9)`, `HTTP 404 Not Found (...)`. */
export function describeFailure(attempt: Attempt, timeoutMs = 4000): string {
  const error = attempt.failure;
  const host = (() => {
    try {
      return new URL(attempt.url).host;
    } catch {
      return attempt.url;
    }
  })();
  if (!error) {
    return attempt.opened ? "the server closed the connection" : `no answer within ${timeoutMs / 1000} s`;
  }
  const status = /^Unexpected server response: (\d{3})/.exec(error.message)?.[1];
  if (status) {
    const code = Number(status);
    const text = STATUS_CODES[code] ?? "";
    const hint = STATUS_HINTS[code];
    return `HTTP ${code}${text ? ` ${text}` : ""}${hint ? ` (${hint})` : ""}`;
  }
  const code = error.code ?? "";
  const hostname = host.replace(/:\d+$/, "");
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused (nothing listens on ${host}; is the server running?)`;
    case "ENOTFOUND":
      return `DNS: no such host ${hostname}`;
    case "EAI_AGAIN":
      return `DNS: could not look up ${hostname} (no network?)`;
    case "ETIMEDOUT":
      return `timed out connecting to ${host}`;
    case "ECONNRESET":
      return "the connection was reset";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no route to ${host}`;
  }
  if (TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL")) {
    // OpenSSL's message is a stack of `library:function:reason:file:line`; the reason is what helps.
    const reason = /SSL routines:[^:]*:([^:]+):/.exec(error.message)?.[1] ?? error.message;
    if (reason === "wrong version number") {
      return `TLS: ${host} does not answer in TLS (${reason}); for a server without it, use http:// or ws://`;
    }
    return `TLS: ${reason}`;
  }
  return error.message || code || "the connection failed";
}

/**
 * A `ws` WebSocket class for partysocket (a LiveSocket, so a socket it let go
 * hands on nothing more) that records each try in `onAttempt`
 * (called once per socket, when it is created, with an object filled in as
 * the try goes on) and reports it to `onClose` when that socket is gone. Only
 * the first error of a try counts: closing a socket that never opened makes
 * `ws` report "closed before the connection was established", which is the
 * effect of giving up, not the cause.
 */
export function watchedSockets(
  onAttempt: (attempt: Attempt) => void,
  onClose?: (attempt: Attempt) => void,
  /** Sent on every upgrade: the bearer token of a signed-in join. */
  headers?: Record<string, string>,
): new (
  address: string,
  protocols?: string | string[],
) => WebSocket {
  return class WatchedSocket extends LiveSocket {
    #attempt: Attempt;

    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, headers ? { headers } : {});
      const attempt: Attempt = { url: shownUrl(address), opened: false, failure: null };
      this.#attempt = attempt;
      onAttempt(attempt);
      this.on("close", () => onClose?.(attempt));
      this.on("open", () => {
        this.#attempt.opened = true;
      });
      this.on("error", (error: Error) => {
        this.#attempt.failure ??= error;
      });
    }

    override close(code?: number, data?: string | Buffer): void {
      // Seal the try: what `ws` reports after this is the abort, not why it failed.
      this.#attempt = { ...this.#attempt };
      super.close(code, data);
    }
  };
}

/**
 * Counts failed tries until the first success; after that there is no bound,
 * since a server that was reached once is worth waiting for. A reason is said
 * when it is new, so ten refused tries print one line, not ten.
 */
export class FirstContact {
  #tries = 0;
  #connected = false;
  #said: string | null = null;

  constructor(
    /** Tries after the first. */
    private readonly retries: number,
  ) {}

  get connected(): boolean {
    return this.#connected;
  }

  get tries(): number {
    return this.#tries;
  }

  succeeded(): void {
    this.#connected = true;
  }

  /**
   * A try failed for `reason`. `giveUp` once the retries are spent (never
   * after a success); `say` is the reason when it was not said before.
   */
  failed(reason: string): { giveUp: boolean; say: string | null } {
    if (this.#connected) return { giveUp: false, say: null };
    this.#tries++;
    const say = reason === this.#said ? null : reason;
    this.#said = reason;
    return { giveUp: this.#tries > this.retries, say };
  }
}
