import type { Member } from "./roster";

/**
 * What a socket carries across hibernation. A joined socket holds its member;
 * `left` is set the moment the room lets it go (quit, takeover), so a socket
 * that is still closing is never counted or sent to again. Sockets that were
 * refused at the door carry no attachment at all.
 */
export type Attachment = Member & { left?: true };

export function readAttachment(ws: WebSocket): Attachment | null {
  const value: unknown = ws.deserializeAttachment();
  return isAttachment(value) ? value : null;
}

function isAttachment(value: unknown): value is Attachment {
  return (
    typeof value === "object" &&
    value !== null &&
    "id" in value &&
    typeof value.id === "string" &&
    "username" in value &&
    typeof value.username === "string"
  );
}

/**
 * The close code to answer a peer's close with. 1005 and 1006 only describe
 * what happened and may not be sent; other reserved codes become 1000.
 */
export function answerCode(code: number): number {
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return sendable ? code : 1000;
}
