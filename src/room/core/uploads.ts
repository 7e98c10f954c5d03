import {
  type AttachmentRefs,
  ErrorCode,
  type ErrorPayload,
  type FileRef,
  isInlineImage,
  ServerType,
  serverFrame,
} from "../../protocol";
import { chain, keeping, type Outcome } from "./outcome";
import { reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomFile, RoomState, UploadSlot } from "./state";

/**
 * v1.10: files. A person asks the room for an upload slot over their socket;
 * the bytes then come over HTTP, where the worker can stream them into R2,
 * with the slot's token as the only proof of who may send them and how many.
 */

/** How long a granted slot may wait for its bytes. */
export const UPLOAD_SLOT_MS = 10 * 60_000;

/**
 * Files one person may have uploading or stored but not yet sent, in one room:
 * a message's worth of images with their thumbnails (10 and 10).
 */
export const MAX_PENDING_FILES = 20;

/**
 * A room's address for one of its files: `PUT` with a slot's token, `GET` with
 * a file's id. The room in it is the one that granted the token or holds the file.
 */
export function filePath(room: string, tokenOrId: string): string {
  return `/files/${encodeURIComponent(room)}/${tokenOrId}`;
}

/**
 * `uploadSlot` {name, size, clientId}: a slot for one file, granted to this
 * person in this room. A declared size over the limit is refused here, so no
 * byte of it is ever sent.
 */
export function grantUploadSlot(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  request: { name: string; size: number; clientId: string },
  now: number,
): Outcome {
  const { name, size, clientId } = request;
  if (size > ctx.config.maxFileBytes) {
    const message = `a file is at most ${ctx.config.maxFileBytes} bytes`;
    return reply(state, sender, conn, { code: ErrorCode.tooLarge, message }, clientId);
  }
  // One person cannot hold the room's quota with slots and files they never send.
  if (ctx.filesPending(sender.session, now) >= MAX_PENDING_FILES) {
    const message = `you have ${MAX_PENDING_FILES} files uploading or waiting to be sent here: send or cancel some first`;
    return reply(state, sender, conn, { code: ErrorCode.tooManyFiles, message }, clientId);
  }
  const held = ctx.fileBytes(now);
  if (held + size > ctx.config.maxRoomFileBytes) {
    const message = `this room's files are at their limit of ${ctx.config.maxRoomFileBytes} bytes (uploads under way included): delete some to share more`;
    return reply(state, sender, conn, { code: ErrorCode.storageFull, message }, clientId);
  }
  const token = ctx.newToken();
  const expiresAt = now + UPLOAD_SLOT_MS;
  const frame = serverFrame(ServerType.uploadSlot, { clientId, token, url: filePath(state.room, token), expiresAt });
  return keeping(
    sender,
    chain(state, () => [
      { kind: "uploadSlot", slot: { token, session: sender.session, name, size, expiresAt, state: "open" } },
      { kind: "send", to: conn, frame },
      { kind: "log", entry: { event: "upload_slot", username: sender.username, size } },
    ]),
  );
}

/** Why a token opens no upload. */
export type SlotRefusal = "unknown" | "used" | "expired";

/**
 * Whether a token may start an upload now: known to this room (another room's
 * token is not), not used before, not expired. Taking it spends it, whatever
 * becomes of the bytes: a failed upload asks for a new slot.
 */
export function takeSlot(
  slot: UploadSlot | null,
  now: number,
): { ok: true; slot: UploadSlot } | { ok: false; why: SlotRefusal } {
  if (slot === null) return { ok: false, why: "unknown" };
  if (slot.state !== "open") return { ok: false, why: "used" };
  if (now >= slot.expiresAt) return { ok: false, why: "expired" };
  return { ok: true, slot: { ...slot, state: "taken" } };
}

/**
 * The files a message names, as the room will tell them: each one stored in
 * this room by the sender's own upload and in no message yet. The sender's
 * word is taken only for an image's size in pixels (the room never decodes an
 * image); its name, size and type are what the room recorded. A thumbnail
 * that is not an image of an image is refused, not kept unseen.
 */
export function attachmentsOf(
  ctx: RoomContext,
  sender: Member,
  refs: AttachmentRefs,
  now: number,
): { ok: true; files: FileRef[]; ids: string[] } | { ok: false; error: ErrorPayload } {
  const files: FileRef[] = [];
  const ids: string[] = [];
  for (const ref of refs) {
    const file = senders(ctx, sender, ref.id);
    const thumb = ref.thumb === undefined ? undefined : senders(ctx, sender, ref.thumb);
    if (file === null || thumb === null) {
      const message = "a file in this message is not one you uploaded to this room, or was sent already";
      return { ok: false, error: { code: ErrorCode.badAttachment, message } };
    }
    const image = isInlineImage(file.type);
    if (thumb !== undefined && !(image && isInlineImage(thumb.type))) {
      const message = "a thumbnail is a smaller image of an image";
      return { ok: false, error: { code: ErrorCode.badAttachment, message } };
    }
    const { id, name, size, type } = file;
    files.push({
      id,
      name,
      size,
      type,
      url: ctx.fileUrl(id, now),
      ...(image && ref.width !== undefined && ref.height !== undefined ? { width: ref.width, height: ref.height } : {}),
      ...(thumb === undefined ? {} : { thumb: ctx.fileUrl(thumb.id, now) }),
    });
    ids.push(id);
    if (thumb !== undefined) ids.push(thumb.id);
  }
  return { ok: true, files, ids };
}

/** One of the sender's own stored files of this room, not yet in a message. */
function senders(ctx: RoomContext, sender: Member, id: string): RoomFile | null {
  const file = ctx.file(id);
  return file !== null && file.session === sender.session && file.messageId === null ? file : null;
}
