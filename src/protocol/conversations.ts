/**
 * v1.9: a conversation between two signed-in people lives in a room of its
 * own, named by both accounts' ids in a fixed order, so each pair has exactly
 * one whoever starts it. `@` is never part of a room name a person can type,
 * so `/chat/:room` cannot lead into one; only the conversation door can.
 */
export const CONVERSATION_PREFIX = "@";

const CONVERSATION_ROOM = /^@([0-9a-f]{20})\.([0-9a-f]{20})$/;

/** The room of the conversation between two accounts, the same whichever asks. */
export function conversationRoom(a: string, b: string): string {
  const [low, high] = a < b ? [a, b] : [b, a];
  return `${CONVERSATION_PREFIX}${low}.${high}`;
}

/** The two accounts of a conversation's room; null for any other room. */
export function conversationParties(room: string): readonly [string, string] | null {
  const match = CONVERSATION_ROOM.exec(room);
  const [, a, b] = match ?? [];
  return a !== undefined && b !== undefined ? [a, b] : null;
}
