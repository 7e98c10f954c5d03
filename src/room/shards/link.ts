/**
 * The numbered link from the sequencer to one fan-out shard, as pure rules.
 * Every batch of frames the sequencer owes a shard takes the next number, and
 * stays owed until the shard acknowledges it: a delivery whose answer is lost
 * is simply sent again, and the shard drops what it has already applied. A
 * shard that finds a number missing (it lost its place: restarted, or the
 * sequencer gave up on it) cannot know what its sockets missed, so it says so,
 * and its sockets resume from the history with `since` as after any drop.
 * Nothing is delivered twice, and nothing is skipped without the client being
 * told to catch up.
 */

/** One numbered batch of frames (their texts) for one shard. */
export interface Batch {
  seq: number;
  frames: readonly string[];
}

/** The sequencer's side: the next number to hand out, and the batches sent but not yet acknowledged, in order. */
export interface Outbox {
  next: number;
  owed: readonly Batch[];
}

/** Batches owed to one shard past which the sequencer gives it up (its sockets resume); a shard that slow helps nobody. */
export const MAX_OWED = 256;

export function openOutbox(): Outbox {
  return { next: 1, owed: [] };
}

/**
 * Frames for the shard take the next number. `overflow`: the shard has not
 * acknowledged `MAX_OWED` batches: the owed ones are dropped, and the shard
 * will find the gap and have its sockets resume.
 */
export function push(outbox: Outbox, frames: readonly string[]): { outbox: Outbox; overflow: boolean } {
  const batch = { seq: outbox.next, frames };
  if (outbox.owed.length >= MAX_OWED) return { outbox: { next: outbox.next + 1, owed: [batch] }, overflow: true };
  return { outbox: { next: outbox.next + 1, owed: [...outbox.owed, batch] }, overflow: false };
}

/** The shard acknowledged everything up to `upTo`: those are no longer owed. */
export function acknowledged(outbox: Outbox, upTo: number): Outbox {
  return { ...outbox, owed: outbox.owed.filter((b) => b.seq > upTo) };
}

/** The shard's side: the last number it applied; null for a shard that has applied nothing yet. */
export interface Inbox {
  applied: number | null;
}

/** What a shard does with a delivery: the frames to send on, what to acknowledge, and whether it must have its sockets resume. */
export interface Received {
  inbox: Inbox;
  frames: string[];
  ack: number;
  /** Batches were missed: every socket of the shard resumes with `since` (they are told, never left short). */
  gap: boolean;
}

/**
 * Applies a delivery (owed batches, in order, perhaps some already applied).
 * A shard that has applied nothing takes the first number it sees as its
 * start: it holds no socket that could have missed anything earlier.
 */
export function receive(inbox: Inbox, batches: readonly Batch[]): Received {
  let applied = inbox.applied;
  let gap = false;
  const frames: string[] = [];
  for (const batch of batches) {
    if (applied !== null && batch.seq <= applied) continue;
    if (applied !== null && batch.seq > applied + 1) {
      // What came before this batch is lost to this shard: its sockets catch up from the history instead.
      gap = true;
      frames.length = 0;
    }
    frames.push(...batch.frames);
    applied = batch.seq;
  }
  return { inbox: { applied }, frames, ack: applied ?? 0, gap };
}
