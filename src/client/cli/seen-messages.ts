import { type ChatMessagePayload, type ServerPayloads, withReaction } from "../../protocol";

type Update = ServerPayloads["messageUpdated"];
type Reaction = ServerPayloads["reaction"];

/**
 * The chat messages this terminal has printed, as they stand now. A
 * `messageUpdated` or `reaction` frame names only the message's id, so this
 * is what lets a line say whose message was edited, deleted or reacted to,
 * and which reaction changed when a resume's update carries the whole map.
 * Bounded: a long session keeps the newest `limit`, and an update to an older
 * message is printed with its id alone.
 */
export class MessageLog {
  readonly #byId = new Map<number, ChatMessagePayload>();

  constructor(private readonly limit = 2000) {}

  get(id: number): ChatMessagePayload | undefined {
    return this.#byId.get(id);
  }

  /** A message as it arrived (live, or in a replay showing its current state). */
  add(message: ChatMessagePayload): void {
    this.#byId.delete(message.id);
    this.#byId.set(message.id, message);
    // Maps iterate in insertion order, so the first key is the oldest kept.
    for (const id of this.#byId.keys()) {
      if (this.#byId.size <= this.limit) break;
      this.#byId.delete(id);
    }
  }

  /** Applies an update; `before` is undefined when the message is not known here. */
  apply(update: Update): { before: ChatMessagePayload | undefined; after: ChatMessagePayload | undefined } {
    const before = this.#byId.get(update.id);
    if (!before) return { before, after: undefined };
    const after = revise(before, update);
    this.#byId.set(update.id, after);
    return { before, after };
  }

  /** Applies one reaction; `before` is undefined when the message is not known here. */
  react(change: Reaction): { before: ChatMessagePayload | undefined; after: ChatMessagePayload | undefined } {
    const before = this.#byId.get(change.id);
    if (!before || before.deleted) return { before, after: undefined };
    const reactions = withReaction(before.reactions ?? {}, change);
    const { reactions: _, ...rest } = before;
    const after = Object.keys(reactions).length > 0 ? { ...rest, reactions } : rest;
    this.#byId.set(change.id, after);
    return { before, after };
  }

  /** The room's history was wiped: ids start over and mean other messages now. */
  clear(): void {
    this.#byId.clear();
  }
}

/** What a message is after an update: the server's rules, applied to the copy shown here. */
export function revise(message: ChatMessagePayload, update: Update): ChatMessagePayload {
  if (update.deleted) {
    // As the room stores it: who, when and what it answered stay; the text and the rest go.
    const { id, username, ts, replyTo } = message;
    return { id, username, ts, message: "", deleted: true, ...(replyTo === undefined ? {} : { replyTo }) };
  }
  let next: ChatMessagePayload = { ...message };
  if (update.message !== undefined) next = { ...next, message: update.message };
  if (update.editedAt !== undefined) next = { ...next, editedAt: update.editedAt };
  if (update.reactions !== undefined) {
    const { reactions: _, ...rest } = next;
    next = Object.keys(update.reactions).length > 0 ? { ...rest, reactions: update.reactions } : rest;
  }
  return next;
}

/** Who added and who took back which emoji between two reaction maps, in the new map's order. */
export function reactionChanges(
  before: ChatMessagePayload["reactions"],
  after: ChatMessagePayload["reactions"],
): { username: string; emoji: string; added: boolean }[] {
  const old = before ?? {};
  const now = after ?? {};
  const changes: { username: string; emoji: string; added: boolean }[] = [];
  for (const [emoji, names] of Object.entries(now)) {
    const had = new Set(old[emoji] ?? []);
    for (const username of names) if (!had.has(username)) changes.push({ username, emoji, added: true });
  }
  for (const [emoji, names] of Object.entries(old)) {
    const has = new Set(now[emoji] ?? []);
    for (const username of names) if (!has.has(username)) changes.push({ username, emoji, added: false });
  }
  return changes;
}
