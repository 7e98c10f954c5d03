import { type ClientFrame, ClientType, parseLine } from "../../protocol";

/** An edit, delete or reaction, as sent: with the `clientId` that makes a resend harmless. */
export type ActionFrame = Extract<ClientFrame, { type: "edit" | "delete" | "react" }>;

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

/** One action on its way: sent at most once per connection, until the room acks or refuses it. */
export interface PendingAction {
  clientId: string;
  frame: ActionFrame;
  text: string;
  /** On the wire on the current connection; cleared when it drops, so it goes again. */
  sent: boolean;
}
