import * as v from "valibot";

/**
 * v1.9: what a signed-in person's own socket (`GET /api/me/live`) carries,
 * from their account to each of their devices: the rooms they keep joined,
 * and their conversations with unread counts, as each changes.
 */

const Conversation = v.object({
  /** The other person's name. */
  with: v.string(),
  /** The newest message's id; 0 before anything was said. */
  lastId: v.number(),
  lastMessageAt: v.number(),
  /** Messages from the other person since this one last read the conversation. */
  unread: v.number(),
  /** This person blocks the other. */
  blocked: v.boolean(),
});

const Rooms = v.array(v.string());

const HomeFrameSchema = v.variant("type", [
  /** First, on connecting: everything. */
  v.object({ type: v.literal("home"), payload: v.object({ rooms: Rooms, conversations: v.array(Conversation) }) }),
  /** The rooms kept joined changed (on this device or another). */
  v.object({ type: v.literal("rooms"), payload: v.object({ rooms: Rooms }) }),
  /** One conversation changed: a message, a read, a block. */
  v.object({ type: v.literal("conversation"), payload: Conversation }),
  /** The other person's account was deleted: the conversation leaves the list (the name may be someone else's now). */
  v.object({ type: v.literal("conversationGone"), payload: v.object({ with: v.string() }) }),
]);

/** One conversation as its person's list shows it. */
export type HomeConversation = v.InferOutput<typeof Conversation>;
export type HomeFrame = v.InferOutput<typeof HomeFrameSchema>;

/** A frame from the account's socket, or null for anything else (the heartbeat's `pong`, a damaged frame). */
export function parseHomeFrame(text: string): HomeFrame | null {
  try {
    const parsed = v.safeParse(HomeFrameSchema, JSON.parse(text));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}
