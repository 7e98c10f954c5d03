import { ErrorCode, ServerType, serverFrame } from "../../protocol";
import { chain, keeping, type Outcome } from "./outcome";
import { reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState, UploadSlot } from "./state";

/**
 * v1.10: files. A person asks the room for an upload slot over their socket;
 * the bytes then come over HTTP, where the worker can stream them into R2,
 * with the slot's token as the only proof of who may send them and how many.
 */

/** How long a granted slot may wait for its bytes. */
export const UPLOAD_SLOT_MS = 10 * 60_000;

/** The address the bytes go to: the room in it is the one the token was granted by. */
export function uploadUrl(room: string, token: string): string {
  return `/files/${encodeURIComponent(room)}/${token}`;
}

/**
 * `uploadSlot` {name, size, clientId}: a slot for one file, granted to this
 * person in this room. A declared size over the limit is refused here, so no
 * byte of it is ever sent. Private rooms have no files yet: their addresses
 * would have to be signed and short-lived, and are not.
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
  if (ctx.privacy !== null || ctx.conversation !== null) {
    const message = "files cannot be shared in a private room yet";
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message }, clientId);
  }
  if (size > ctx.config.maxFileBytes) {
    const message = `a file is at most ${ctx.config.maxFileBytes} bytes`;
    return reply(state, sender, conn, { code: ErrorCode.tooLarge, message }, clientId);
  }
  const token = ctx.newToken();
  const expiresAt = now + UPLOAD_SLOT_MS;
  const frame = serverFrame(ServerType.uploadSlot, { clientId, token, url: uploadUrl(state.room, token), expiresAt });
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
