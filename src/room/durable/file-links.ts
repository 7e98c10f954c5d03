import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { SmallKv } from "../../platform/object-state";
import { type ChatMessagePayload, type HistoryFrame, parseServerData, type ServerFrame } from "../../protocol";
import { filePath } from "../core/uploads";

/** How long a private room's file address works once given. */
export const FILE_LINK_MS = 60 * 60_000;

/**
 * Expiries are rounded up to this step, so a file's address stays the same for
 * a while and a browser that has the file keeps it, rather than fetching it again
 * at every new address. An address then works for an hour and at most this much more.
 */
export const FILE_LINK_STEP_MS = 5 * 60_000;

const KEY = "file-link-key";

/**
 * v1.10: the addresses a room gives for its files. A public room's history is
 * anyone's, and so are its files: their addresses are plain. A private room's
 * are signed with a key only this room holds, and expire within the hour, so
 * an address that leaks stops working, and one is only ever given to a member,
 * in a frame the room sends them. Every frame that carries a file carries a
 * fresh address (a replay hours later too). The key goes with the room's
 * storage when a private room is wiped, and every address with it.
 *
 * The core builds frames synchronously, so the signature is an HMAC computed
 * in the object's own code, not by `crypto.subtle`.
 */
export class FileLinks {
  readonly #kv: SmallKv;
  readonly #room: () => string;
  readonly #signed: () => boolean;
  #key: Uint8Array | undefined;

  constructor(kv: SmallKv, room: () => string, signed: () => boolean) {
    this.#kv = kv;
    this.#room = room;
    this.#signed = signed;
  }

  url(id: string, now: number): string {
    const path = filePath(this.#room(), id);
    if (!this.#signed()) return path;
    const expires = Math.ceil((now + FILE_LINK_MS) / FILE_LINK_STEP_MS) * FILE_LINK_STEP_MS;
    return `${path}?expires=${expires}&sig=${this.#sign(id, expires)}`;
  }

  /**
   * Frames as stored or batched (a replay's `history`, a page) as a reader is
   * given them now: every file's address made afresh. Text with no file in it
   * is passed on as it is, unread.
   */
  freshText(text: string, now: number): string {
    if (!this.#signed() || !text.includes('"attachments"')) return text;
    const frames = parseServerData(text).map((frame) => this.#freshFrame(frame, now));
    return JSON.stringify(frames.length === 1 ? frames[0] : frames);
  }

  /** One entry of a page of history, as a reader is given it now. */
  freshEntry(frame: HistoryFrame, now: number): HistoryFrame {
    if (frame.type !== "chatMessage" || !this.#signed()) return frame;
    return { ...frame, payload: this.#freshPayload(frame.payload, now) };
  }

  #freshFrame(frame: ServerFrame, now: number): ServerFrame {
    if (frame.type === "chatMessage") return { ...frame, payload: this.#freshPayload(frame.payload, now) };
    if (frame.type !== "history") return frame;
    const messages = frame.payload.messages.map((m) =>
      m.type === "chatMessage" ? { ...m, payload: this.#freshPayload(m.payload, now) } : m,
    );
    return { ...frame, payload: { ...frame.payload, messages } };
  }

  #freshPayload(payload: ChatMessagePayload, now: number): ChatMessagePayload {
    if (payload.attachments === undefined) return payload;
    const attachments = payload.attachments.map((file) => ({
      ...file,
      url: this.url(file.id, now),
      ...(file.thumb === undefined ? {} : { thumb: this.url(idIn(file.thumb), now) }),
    }));
    return { ...payload, attachments };
  }

  /** Whether an address this room gave for file `id` still works. */
  valid(id: string, expires: number, sig: string, now: number): boolean {
    if (!this.#signed() || !(expires > now) || !/^[0-9a-f]{64}$/.test(sig)) return false;
    const expected = hexToBytes(this.#sign(id, expires));
    const given = hexToBytes(sig);
    // Compared in full whatever differs first, so the time taken tells nothing.
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= (expected[i] ?? 0) ^ (given[i] ?? 0);
    return diff === 0;
  }

  /** The room's storage was wiped: the key went with it. */
  forget(): void {
    this.#key = undefined;
  }

  #sign(id: string, expires: number): string {
    return bytesToHex(hmac(sha256, this.#keyBytes(), new TextEncoder().encode(`${id}\n${expires}`)));
  }

  #keyBytes(): Uint8Array {
    if (this.#key) return this.#key;
    let stored = this.#kv.get<string>(KEY);
    if (stored === undefined) {
      stored = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
      this.#kv.put(KEY, stored);
    }
    this.#key = hexToBytes(stored);
    return this.#key;
  }
}

/** The file id an address of this room names: its last path segment. */
function idIn(url: string): string {
  return url.split("?")[0]?.split("/").pop() ?? "";
}
