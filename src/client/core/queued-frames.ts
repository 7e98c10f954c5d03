import { type ClientFrame, ClientType, parseLine } from "../../protocol";

/** A chat message or DM, as sent: it carries the `clientId`. */
export type MessageFrame = Extract<ClientFrame, { type: "chatMessage" | "dm" }>;

/** An edit, delete or reaction, as sent: with the `clientId` that makes a resend harmless. */
export type ActionFrame = Extract<ClientFrame, { type: "edit" | "delete" | "react" }>;

/** Everything the send queue keeps until the room acks it. */
export type QueuedFrame = MessageFrame | ActionFrame;

/** Ids that are unique without coordination: 32 hex digits, well inside the protocol's 64. */
export function newClientId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * The message a typed line sends, or null for a command (`/users`, `/kick`...)
 * or a line the server should answer itself (a `/msg` without text). Length is
 * not checked here: the server's refusal (`too_long`) keeps the text visible
 * as failed, where a local check would have to drop or bounce it.
 */
export function messageFrame(typed: string, clientId: string, replyTo?: number): MessageFrame | null {
  const parsed = parseLine(typed, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) return null;
  const { frame } = parsed;
  // The parsed payload is kept whole (a `/reply` carries `replyTo`); only the id is added,
  // and the message a reply answers when the app chose it rather than a typed `/reply`.
  if (frame.type === ClientType.chatMessage) {
    const answers = replyTo === undefined ? {} : { replyTo };
    return { type: frame.type, payload: { ...frame.payload, ...answers, clientId } };
  }
  if (frame.type === ClientType.dm) return { type: frame.type, payload: { ...frame.payload, clientId } };
  return null;
}

/**
 * The frame a typed `/edit`, `/delete` or `/react` sends, with `clientId`
 * added; null for any other line, and for a malformed one, which goes to the
 * server as typed so its answer (`usage: ...`) is the one error shown.
 *
 * Why an id at all: a reaction toggles, so one sent again after a dropped
 * connection would undo itself; with the same id the room acks the resend
 * instead of applying it twice.
 */
export function actionFrame(typed: string, clientId: string): ActionFrame | null {
  const parsed = parseLine(typed, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) return null;
  const { frame } = parsed;
  switch (frame.type) {
    case ClientType.edit:
      return { type: frame.type, payload: { ...frame.payload, clientId } };
    case ClientType.delete:
      return { type: frame.type, payload: { ...frame.payload, clientId } };
    case ClientType.react:
      return { type: frame.type, payload: { ...frame.payload, clientId } };
    default:
      return null;
  }
}

/** What a typed line puts in the send queue: a message, DM, edit, deletion or reaction; null for anything else. */
export function queuedFrame(typed: string, clientId: string, replyTo?: number): QueuedFrame | null {
  return messageFrame(typed, clientId, replyTo) ?? actionFrame(typed, clientId);
}

/** A message action rather than a message: refused, it is dropped with its reason, as trying it again cannot help. */
export function isAction(frame: QueuedFrame): frame is ActionFrame {
  return frame.type === ClientType.edit || frame.type === ClientType.delete || frame.type === ClientType.react;
}

/** The line that would have typed an action, which the queue keeps as its text (the web app builds the frame from a button). */
export function actionLine(frame: ActionFrame): string {
  switch (frame.type) {
    case ClientType.edit:
      return `/edit ${frame.payload.id} ${frame.payload.message}`;
    case ClientType.delete:
      return `/delete ${frame.payload.id}`;
    case ClientType.react:
      return `/react ${frame.payload.id} ${frame.payload.emoji}`;
  }
}
