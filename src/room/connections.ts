import type { Member } from "./roster";

/**
 * What a socket carries across hibernation: its connection id and a copy of
 * its member. `left` is set the moment the room lets the socket go (quit,
 * kick, found closed after waking), so a socket that is still closing is never
 * counted or sent to again. Sockets refused at the door carry no attachment.
 */
export interface Attachment {
  conn: string;
  member: Member;
  left?: true;
}

export function readAttachment(ws: WebSocket): Attachment | null {
  let value: unknown;
  try {
    value = ws.deserializeAttachment();
  } catch {
    return null;
  }
  return isAttachment(value) ? value : null;
}

/** Writes an attachment; a socket that has just closed may refuse, and then has nothing to keep. */
export function writeAttachment(ws: WebSocket, attachment: Attachment): void {
  try {
    ws.serializeAttachment(attachment);
  } catch {
    // Closed already: its close event (if any) finds the previous attachment, and `left` guards it.
  }
}

function isAttachment(value: unknown): value is Attachment {
  return (
    typeof value === "object" &&
    value !== null &&
    "conn" in value &&
    typeof value.conn === "string" &&
    "member" in value &&
    typeof value.member === "object" &&
    value.member !== null
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

/** Sends to open sockets only; a send to one that died a moment ago must not stop the others. */
export function send(ws: WebSocket, text: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  try {
    ws.send(text);
  } catch {
    // The close handler will account for it.
  }
}
