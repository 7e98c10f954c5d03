/**
 * v1.9: what a signed-in person's own socket (`GET /api/me/live`) carries,
 * from their account to each of their devices: the rooms they keep joined,
 * and their conversations with unread counts, as each changes.
 */

/** One conversation as its person's list shows it. */
export interface HomeConversation {
  /** The other person's name. */
  with: string;
  /** The newest message's id; 0 before anything was said. */
  lastId: number;
  lastMessageAt: number;
  /** Messages from the other person since this one last read the conversation. */
  unread: number;
  /** This person blocks the other. */
  blocked: boolean;
}

export type HomeFrame =
  /** First, on connecting: everything. */
  | { type: "home"; payload: { rooms: string[]; conversations: HomeConversation[] } }
  /** The rooms kept joined changed (on this device or another). */
  | { type: "rooms"; payload: { rooms: string[] } }
  /** One conversation changed: a message, a read, a block. */
  | { type: "conversation"; payload: HomeConversation };
