import {
  type AttachmentRefs,
  type ClientFrame,
  ClientType,
  ErrorCode,
  type ErrorPayload,
  type ServerPayloads,
} from "../../protocol";
import { newClientId } from "./queued-frames";

/**
 * v1.10: files a person picked to send with their next message, while they
 * upload. Each file (and an image's thumbnail, a second file) asks the room
 * for a slot by a `clientId` of its own, then sends its bytes to the slot's
 * address. A slot is single-use, so a retry asks for a new one. Pure: the
 * ids come in from outside and the bytes go out through the caller, so every
 * rule here is tested without a browser.
 */

/** One file to upload: what was picked, or the thumbnail made of it. */
export interface UploadFile {
  name: string;
  size: number;
  type: string;
}

/** Where one file's upload stands. */
export type PartState =
  | { kind: "asking"; clientId: string }
  | { kind: "sending"; url: string; loaded: number }
  | { kind: "stored"; id: string }
  | { kind: "failed"; reason: string };

/** A picked file: the file, and for an image its size in pixels and the smaller copy the log shows. */
export interface Upload {
  key: number;
  file: UploadFile;
  image?: { width: number; height: number };
  /** Absent when the image is small enough to be its own thumbnail. */
  thumb?: UploadFile;
  /** The file's upload first, then the thumbnail's. */
  parts: PartState[];
}

/** An upload as a whole, as the composer shows it. */
export type UploadStatus =
  | { kind: "uploading"; share: number }
  | { kind: "ready" }
  | { kind: "failed"; reason: string };

export type AttachmentRef = AttachmentRefs[number];
export type SlotAsk = Extract<ClientFrame, { type: "uploadSlot" }>;

/** Which part of which upload a granted slot is for, and where its bytes go. */
export interface Granted {
  upload: Upload;
  part: number;
  url: string;
}

export class Uploads {
  #items: Upload[] = [];
  #keys = 0;

  constructor(private readonly newId: () => string = newClientId) {}

  get items(): readonly Upload[] {
    return this.#items;
  }

  /** Takes a picked file; the caller sends the asks (and fails the upload if it cannot). */
  add(
    file: UploadFile,
    image?: { width: number; height: number },
    thumb?: UploadFile,
  ): { key: number; asks: SlotAsk[] } {
    const key = ++this.#keys;
    const parts = thumb ? [failed(""), failed("")] : [failed("")];
    this.#items.push({ key, file, ...(image ? { image } : {}), ...(thumb ? { thumb } : {}), parts });
    return { key, asks: this.retry(key) };
  }

  /** Asks again for every part that failed: each with a new `clientId`, for a new slot. */
  retry(key: number): SlotAsk[] {
    const upload = this.#find(key);
    if (!upload) return [];
    return upload.parts.flatMap((state, part) => {
      if (state.kind !== "failed") return [];
      const clientId = this.newId();
      upload.parts[part] = { kind: "asking", clientId };
      const file = part === 0 ? upload.file : (upload.thumb ?? upload.file);
      const type = file.type === "" ? {} : { type: file.type };
      return [{ type: ClientType.uploadSlot, payload: { name: file.name, size: file.size, ...type, clientId } }];
    });
  }

  /** The room granted a slot: the part that asked for it, if it is one of these. */
  granted(slot: ServerPayloads["uploadSlot"]): Granted | null {
    const found = this.#asking(slot.clientId);
    if (!found) return null;
    found.upload.parts[found.part] = { kind: "sending", url: slot.url, loaded: 0 };
    return { ...found, url: slot.url };
  }

  /** An error frame: the upload whose slot the room refused, if it names one of these. */
  refused(error: ErrorPayload): Upload | null {
    const found = error.clientId === undefined ? null : this.#asking(error.clientId);
    if (!found) return null;
    found.upload.parts[found.part] = failed(refusalText(error));
    return found.upload;
  }

  progress(key: number, part: number, loaded: number): void {
    const state = this.#find(key)?.parts[part];
    if (state?.kind === "sending") state.loaded = loaded;
  }

  stored(key: number, part: number, id: string): void {
    this.#set(key, part, { kind: "stored", id });
  }

  fail(key: number, part: number, reason: string): void {
    this.#set(key, part, failed(reason));
  }

  /** Takes a file out (the caller stops its requests); returns it. */
  cancel(key: number): Upload | null {
    const upload = this.#find(key);
    this.#items = this.#items.filter((u) => u !== upload);
    return upload;
  }

  /** The socket dropped: a slot asked for and not yet granted will never be answered. */
  disconnected(): boolean {
    let changed = false;
    for (const upload of this.#items) {
      upload.parts = upload.parts.map((state) => {
        if (state.kind !== "asking") return state;
        changed = true;
        return failed("the connection dropped before the room answered");
      });
    }
    return changed;
  }

  /** All files together: failed if any failed, ready when all are stored. */
  status(): UploadStatus {
    const all = this.#items.map(uploadStatus);
    const failure = all.find((s) => s.kind === "failed");
    if (failure) return failure;
    if (all.every((s) => s.kind === "ready")) return { kind: "ready" };
    const size = this.#items.reduce((n, u) => n + u.file.size + (u.thumb?.size ?? 0), 0);
    const sent = this.#items.reduce((n, u) => n + sentBytes(u), 0);
    return { kind: "uploading", share: size === 0 ? 0 : sent / size };
  }

  /** What the message carries, once every file is stored; they leave the composer with it. Null before. */
  take(): AttachmentRef[] | null {
    const refs: AttachmentRef[] = [];
    for (const upload of this.#items) {
      const [file, thumb] = upload.parts;
      if (file?.kind !== "stored" || (thumb !== undefined && thumb.kind !== "stored")) return null;
      refs.push({ id: file.id, ...(thumb?.kind === "stored" ? { thumb: thumb.id } : {}), ...upload.image });
    }
    this.#items = [];
    return refs;
  }

  #find(key: number): Upload | null {
    return this.#items.find((u) => u.key === key) ?? null;
  }

  #set(key: number, part: number, state: PartState): void {
    const upload = this.#find(key);
    if (upload && part < upload.parts.length) upload.parts[part] = state;
  }

  #asking(clientId: string): { upload: Upload; part: number } | null {
    for (const upload of this.#items) {
      const part = upload.parts.findIndex((s) => s.kind === "asking" && s.clientId === clientId);
      if (part >= 0) return { upload, part };
    }
    return null;
  }
}

function failed(reason: string): PartState {
  return { kind: "failed", reason };
}

/** One file and its thumbnail as one: failed if either failed, ready when both are stored. */
export function uploadStatus(upload: Upload): UploadStatus {
  const failure = upload.parts.find((s) => s.kind === "failed");
  if (failure?.kind === "failed") return { kind: "failed", reason: failure.reason };
  if (upload.parts.every((s) => s.kind === "stored")) return { kind: "ready" };
  const size = upload.file.size + (upload.thumb?.size ?? 0);
  return { kind: "uploading", share: size === 0 ? 0 : sentBytes(upload) / size };
}

function sentBytes(upload: Upload): number {
  return upload.parts.reduce((n, state, part) => {
    const size = (part === 0 ? upload.file : (upload.thumb ?? upload.file)).size;
    if (state.kind === "stored") return n + size;
    return state.kind === "sending" ? n + Math.min(state.loaded, size) : n;
  }, 0);
}

/** Why the room would not take a file, in a person's words. */
export function refusalText(error: ErrorPayload): string {
  switch (error.code) {
    case ErrorCode.tooLarge: {
      const limit = /(\d+) bytes/.exec(error.message)?.[1];
      return limit === undefined
        ? "too large for this room"
        : `too large: a file here is at most ${humanSize(Number(limit))}`;
    }
    case ErrorCode.storageFull:
      return "this room holds all the files it can";
    case ErrorCode.rateLimited:
      return "too many uploads at once; retry in a moment";
    case ErrorCode.notAllowed:
      return "files cannot be shared here";
    default:
      return error.message;
  }
}

/** A size as people read it: bytes, then KB, MB, GB in steps of 1024, one decimal under 10. */
export function humanSize(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${shown} ${units[unit]}`;
}
