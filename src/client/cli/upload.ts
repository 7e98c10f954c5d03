import { type FileHandle, open, stat } from "node:fs/promises";
import { STATUS_CODES } from "node:http";
import { basename } from "node:path";
import { ClientType, clientFrame, ErrorCode, type ErrorPayload, FILE_ID, fileNameFor } from "../../protocol";
import type { QueuedFrame } from "../core/queued-frames";
import { answer, type Fetch, unreachable } from "./account-http";
import type { SlotAnswer } from "./slot-requests";
import { humanSize } from "./words";

/**
 * `/upload path [caption]` (v1.10): one file from disk into the current room.
 * The room grants a slot over the socket; the bytes go to the slot's address
 * with `PUT`, read from disk as they are sent, never whole in memory; the
 * message that carries the file is the caller's to queue, and only once the
 * file is stored, so a failure at any step sends nothing.
 */

/** Bytes read from disk at a time. */
const CHUNK_BYTES = 64 * 1024;

/** A slot asked for again at most this often over the rate limit, before giving up. */
const SLOT_TRIES = 3;

export interface SlotRequest {
  name: string;
  size: number;
  clientId: string;
}

/** How an upload is drawn while it goes. */
export interface ProgressView {
  begin(name: string, total: number): void;
  sent(bytes: number): void;
}

export interface UploadDeps {
  /** Asks the room for a slot; the answer names the request's `clientId`. */
  askSlot(request: SlotRequest): Promise<SlotAnswer>;
  fetch: Fetch;
  /** The server's http(s) origin: a slot's address is relative to it. */
  server: string;
  progress: ProgressView;
  /** A line about the wait, over the rate limit. */
  note(line: string): void;
  newClientId(): string;
  signal?: AbortSignal;
  wait?: (ms: number) => Promise<void>;
}

/** The upload's answer: where the room keeps the file. */
export interface StoredFile {
  id: string;
  url: string;
  size: number;
  type: string;
}

export type UploadOutcome =
  | { kind: "stored"; name: string; file: StoredFile }
  | { kind: "unreadable"; path: string; why: string }
  /** The room would not grant a slot. */
  | { kind: "refused"; name: string; size: number; error: ErrorPayload }
  | { kind: "lost" }
  | { kind: "silent"; afterMs: number }
  /** The `PUT` was answered with an error. */
  | { kind: "rejected"; status: number; code: string; message: string }
  /** The `PUT` never got an answer: the server went away, or the file could not be read to the end. */
  | { kind: "cut"; reason: string }
  | { kind: "garbled" };

export async function uploadFile(path: string, deps: UploadDeps): Promise<UploadOutcome> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { kind: "unreadable", path, why: "a folder, not a file" };
    size = info.size;
  } catch (error) {
    return { kind: "unreadable", path, why: fileError(error) };
  }
  const name = fileNameFor(basename(path));
  const slot = await askSlot({ name, size }, deps);
  if (slot.kind !== "granted") return slot.kind === "refused" ? { ...slot, name, size } : slot;
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    return { kind: "unreadable", path, why: fileError(error) };
  }
  deps.progress.begin(name, size);
  // A body streamed from disk: Node's fetch needs `duplex` for it, and sends the length as given.
  const init: RequestInit & { duplex: "half" } = {
    method: "PUT",
    headers: { "Content-Length": String(size) },
    body: fileBody(file, size, (sent) => deps.progress.sent(sent)),
    duplex: "half",
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  let res: Response;
  try {
    res = await deps.fetch(new URL(slot.slot.url, deps.server).href, init);
  } catch (error) {
    return { kind: "cut", reason: unreachable(error) };
  } finally {
    await file.close().catch(() => {});
  }
  const answered = await answer(res);
  if (answered.kind === "refused") return { ...answered, kind: "rejected" };
  return isStoredFile(answered.body) ? { kind: "stored", name, file: answered.body } : { kind: "garbled" };
}

/** A slot for the file; over the rate limit, asked for again once the room says it may be. */
async function askSlot(file: { name: string; size: number }, deps: UploadDeps): Promise<SlotAnswer> {
  const wait = deps.wait ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let tries = 1; ; tries++) {
    const answer = await deps.askSlot({ ...file, clientId: deps.newClientId() });
    const limited = answer.kind === "refused" && answer.error.code === ErrorCode.rateLimited;
    if (!limited || tries >= SLOT_TRIES || deps.signal?.aborted) return answer;
    const ms = Math.max(answer.error.retryAfterMs ?? 1000, 50);
    deps.note(`* over the rate limit; asking for an upload slot again in ${Math.ceil(ms / 1000)} s`);
    await wait(ms);
  }
}

/**
 * The file's first `size` bytes, read as the request takes them: no more than
 * the slot was granted for, and an error if the file got shorter meanwhile.
 */
function fileBody(file: FileHandle, size: number, sent: (bytes: number) => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const want = Math.min(CHUNK_BYTES, size - offset);
        if (want === 0) {
          controller.close();
          return;
        }
        const { bytesRead, buffer } = await file.read(new Uint8Array(want), 0, want, offset);
        if (bytesRead === 0) {
          controller.error(new Error(`the file got shorter while it was sent (${offset} of ${size} bytes)`));
          return;
        }
        offset += bytesRead;
        controller.enqueue(buffer.subarray(0, bytesRead));
        sent(offset);
      },
    },
    // Read only when the request asks: the bar then follows the bytes leaving, not a buffer filling.
    { highWaterMark: 0 },
  );
}

function fileError(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "a folder, not a file";
    default:
      return code ?? (error as Error).message;
  }
}

function isStoredFile(body: unknown): body is StoredFile {
  if (typeof body !== "object" || body === null) return false;
  const file = body as Record<string, unknown>;
  return (
    typeof file.id === "string" &&
    FILE_ID.test(file.id) &&
    typeof file.url === "string" &&
    typeof file.size === "number" &&
    typeof file.type === "string"
  );
}

/** The message that shares a stored file: the caption as its text, empty when there is none. */
export function fileMessage(fileId: string, caption: string, clientId: string): QueuedFrame {
  return clientFrame(ClientType.chatMessage, { message: caption, clientId, attachments: [{ id: fileId }] });
}

/** The ways a request's connection is lost, in words. */
const CUT_REASONS: Record<string, string> = {
  ECONNRESET: "the connection was reset (ECONNRESET): did the server stop?",
  ECONNREFUSED: "connection refused (ECONNREFUSED): is the server running?",
  UND_ERR_SOCKET: "the server closed the connection",
  EPIPE: "the server stopped reading (EPIPE)",
};

/** Why an upload failed, as the line a person reads; nothing was sent to the room. */
export function uploadFailure(outcome: Exclude<UploadOutcome, { kind: "stored" }>): string {
  const why = (() => {
    switch (outcome.kind) {
      case "unreadable":
        return `${outcome.path}: ${outcome.why}`;
      case "refused": {
        const { code, message } = outcome.error;
        if (code !== ErrorCode.tooLarge) return `the room refused it (${code}: ${message})`;
        const limit = /at most (\d+) bytes/.exec(message)?.[1];
        const most = limit === undefined ? "" : `; the largest file it takes is ${humanSize(Number(limit))}`;
        return `${outcome.name} (${humanSize(outcome.size)}) is too large for this server${most} (${code}: ${message})`;
      }
      case "lost":
        return "the connection was lost while asking the room for an upload slot";
      case "silent":
        return `the room did not answer the request for an upload slot within ${Math.round(outcome.afterMs / 1000)} s`;
      case "rejected": {
        const status = `HTTP ${outcome.status}${STATUS_CODES[outcome.status] ? ` ${STATUS_CODES[outcome.status]}` : ""}`;
        return `the server refused the file (${status}, ${outcome.code}: ${outcome.message})`;
      }
      case "cut":
        return `the upload was cut off: ${CUT_REASONS[outcome.reason] ?? outcome.reason}`;
      case "garbled":
        return "the server's answer to the upload was not a stored file";
    }
  })();
  return `! not uploaded: ${why}`;
}
