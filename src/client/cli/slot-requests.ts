import type { ErrorPayload, ServerPayloads } from "../../protocol";

/**
 * v1.10: upload slots asked for over a room's socket and not yet answered.
 * The room answers `uploadSlot`, or an `error`, naming the request's
 * `clientId`; a lost connection, or silence, is an answer too, so nobody
 * waits for ever.
 */

export type SlotAnswer =
  | { kind: "granted"; slot: ServerPayloads["uploadSlot"] }
  | { kind: "refused"; error: ErrorPayload }
  /** The connection dropped (or was closed) before the answer came. */
  | { kind: "lost" }
  | { kind: "silent"; afterMs: number };

export class SlotRequests {
  readonly #waiting = new Map<string, (answer: SlotAnswer) => void>();

  /** The answer to the request sent with `clientId`. */
  wait(clientId: string, timeoutMs: number): Promise<SlotAnswer> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle(clientId, { kind: "silent", afterMs: timeoutMs }), timeoutMs);
      timer.unref?.();
      this.#waiting.set(clientId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  /** A granted slot; false when it answers no request of ours. */
  granted(slot: ServerPayloads["uploadSlot"]): boolean {
    return this.#settle(slot.clientId, { kind: "granted", slot });
  }

  /** An error frame; false when it names no request of ours (it is someone else's to show). */
  refused(error: ErrorPayload): boolean {
    return error.clientId !== undefined && this.#settle(error.clientId, { kind: "refused", error });
  }

  /** The connection is gone: a slot granted on it may never be heard of. */
  lost(): void {
    for (const clientId of [...this.#waiting.keys()]) this.#settle(clientId, { kind: "lost" });
  }

  #settle(clientId: string, answer: SlotAnswer): boolean {
    const resolve = this.#waiting.get(clientId);
    if (!resolve) return false;
    this.#waiting.delete(clientId);
    resolve(answer);
    return true;
  }
}
