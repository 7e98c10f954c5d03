/**
 * The numbered link from the sequencer to one fan-out shard, as pure rules.
 * Every batch of frames the sequencer owes a shard takes the next number, and
 * stays owed until the shard acknowledges it: a delivery whose answer is lost
 * is simply sent again, and the shard drops what it has already applied. A
 * socket's stream begins at the link's number when it was admitted; a socket
 * whose stream has a hole (the sequencer gave the shard up, or restarted and
 * lost what it owed: numbers belong to one life of it) resumes from the
 * history with `since`, as after any drop. Nothing is delivered twice, and
 * nothing is skipped without the client being told to catch up.
 */

/** One numbered batch of frames (their texts, or what the shard does with them) for one shard, from one life of the sequencer. */
export interface Batch<F = string> {
  life: string;
  seq: number;
  frames: readonly F[];
}

/** The sequencer's side: its life, the next number to hand out, and the batches sent but not yet acknowledged, in order. */
export interface Outbox<F = string> {
  life: string;
  next: number;
  owed: readonly Batch<F>[];
}

/** Batches owed to one shard past which the sequencer gives it up (its sockets resume); a shard that slow helps nobody. */
export const MAX_OWED = 256;

/**
 * A link opened by a sequencer in the life `life` (a fresh id each time the
 * object starts). It owes the shard an empty first batch at once: a shard that
 * would hear nothing new for a while still learns at the sequencer's first
 * flush that the last life's debts are lost, and has its sockets resume.
 */
export function openOutbox<F = string>(life: string): Outbox<F> {
  return { life, next: 2, owed: [{ life, seq: 1, frames: [] }] };
}

/**
 * Frames for the shard take the next number. `overflow`: the shard has not
 * acknowledged `MAX_OWED` batches: the owed ones are dropped, and the shard
 * will find the gap and have its sockets resume.
 */
export function push<F>(outbox: Outbox<F>, frames: readonly F[]): { outbox: Outbox<F>; overflow: boolean } {
  const batch = { life: outbox.life, seq: outbox.next, frames };
  const next = outbox.next + 1;
  if (outbox.owed.length >= MAX_OWED) return { outbox: { ...outbox, next, owed: [batch] }, overflow: true };
  return { outbox: { ...outbox, next, owed: [...outbox.owed, batch] }, overflow: false };
}

/** The shard acknowledged everything up to `upTo`: those are no longer owed. */
export function acknowledged<F>(outbox: Outbox<F>, upTo: number): Outbox<F> {
  return { ...outbox, owed: outbox.owed.filter((b) => b.seq > upTo) };
}

/**
 * The shard's side: the sequencer's life it last heard from, the last number
 * of it applied, and where the unbroken run of numbers it applied began. All
 * null for a shard that has heard nothing yet.
 */
export interface Inbox {
  life: string | null;
  applied: number | null;
  runFrom: number | null;
}

export const FRESH_INBOX: Inbox = { life: null, applied: null, runFrom: null };

/**
 * Where one socket's stream begins: the link's next number when the sequencer
 * admitted it. What came before is in its replay; what comes from there on is
 * owed to it on the link. Kept with the socket (its attachment).
 */
export interface StreamStart {
  life: string;
  seq: number;
}

/** What a shard does with a delivery: the batches newly applied, in order, and what to acknowledge. */
export interface Received<F = string> {
  inbox: Inbox;
  batches: Batch<F>[];
  ack: number;
}

/**
 * Applies a delivery (owed batches, in order, perhaps some already applied).
 * A resend of a batch applied before is dropped. A number skipped (the
 * sequencer gave the shard up) or a new life of the sequencer (the last one
 * lost what it owed) starts a new run: sockets whose stream began before it
 * missed something, and `intact` says so.
 */
export function receive<F>(inbox: Inbox, batches: readonly Batch<F>[]): Received<F> {
  let { life, applied, runFrom } = inbox;
  const fresh: Batch<F>[] = [];
  for (const batch of batches) {
    const sameLife = batch.life === life;
    if (sameLife && applied !== null && batch.seq <= applied) continue;
    if (!sameLife || applied === null || batch.seq > applied + 1) runFrom = batch.seq;
    life = batch.life;
    applied = batch.seq;
    fresh.push(batch);
  }
  return { inbox: { life, applied, runFrom }, batches: fresh, ack: applied ?? 0 };
}

/** Where the stream of a socket admitted now begins: the next batch the sequencer will number for its shard. */
export function streamStart(outbox: Pick<Outbox<unknown>, "life" | "next">): StreamStart {
  return { life: outbox.life, seq: outbox.next };
}

/** Whether a batch is owed to a socket: of its stream's life, from its start on (earlier ones are in its replay). */
export function owedTo(start: StreamStart, batch: Pick<Batch<unknown>, "life" | "seq">): boolean {
  return batch.life === start.life && batch.seq >= start.seq;
}

/**
 * Whether a socket has had all its stream so far. One whose stream began in
 * another life, or before the unbroken run the shard holds, missed frames: it
 * must resume from the history (`since`), told, never left short.
 */
export function intact(start: StreamStart, inbox: Inbox): boolean {
  if (inbox.life === null || inbox.runFrom === null) return true;
  return start.life === inbox.life && inbox.runFrom <= start.seq;
}
