import type { ErrorPayload } from "../../protocol";
import type { Batch, StreamStart } from "./link";

/**
 * What passes between a room's sequencer and its fan-out shards, both ways.
 * Everything here crosses Durable Object RPC, so it is plain data.
 */

/** What a shard does with its sockets, in the order the sequencer said it. */
export type ShardOp =
  /** One connection's own text: a reply, an ack, a DM, a joiner's welcome and replay. */
  | { kind: "to"; conn: string; text: string }
  /** The flush's shared text, to every socket of the shard whose stream holds this batch, but `skip` (they had their own). */
  | { kind: "all"; text: string; skip: readonly string[] }
  /** The room let this connection go (a kick, a ban, a quit, one tab too many). */
  | { kind: "close"; conn: string; code: number; reason: string };

/** A numbered batch of a shard's ops. */
export type ShardBatch = Batch<ShardOp>;

/** What a shard answers a delivery: what it applied up to, and connections it was sent to but does not hold. */
export interface DeliveryAnswer {
  ack: number;
  gone: string[];
}

/** What a shard forwards from its sockets, in the order they happened. */
export type FromShard =
  | { conn: string; message: string | ArrayBuffer }
  /** The socket closed (`code` and `reason` as its peer said), or failed (`code` 1006). */
  | { conn: string; gone: { code: number; reason: string } };

/** The sequencer's answer to what a shard forwarded: connections it does not know, to close. */
export interface ForwardAnswer {
  unknown: string[];
}

/** The sequencer's answer to a shard's knock: let in (its stream begins at `start`), or refused. */
export type RemoteEntry =
  | { admitted: true; start: StreamStart }
  | { admitted: false; refused: { error: ErrorPayload; code: number } }
  | { admitted: false; status: number; body: string; headers: [string, string][] };

/** What the sequencer calls on a shard. */
export interface ShardLink {
  deliver(batches: ShardBatch[]): Promise<DeliveryAnswer>;
  /** When each connection the shard holds (or is letting in) last showed life: its heartbeat, 0 for none yet. */
  heartbeats(): Promise<Record<string, number>>;
}

/** The response header by which a sequencer sends a joiner on to a shard, and the worker tells the shard its number. */
export const SHARD_HEADER = "Hallway-Shard";

/** A fan-out shard's object name: its number and its room's name (which has no `/` in it). */
export function shardName(room: string, shard: number): string {
  return `${shard}/${room}`;
}

/** The room and number a shard's object name holds; null for a name that is no shard's. */
export function parseShardName(name: string): { room: string; shard: number } | null {
  const slash = name.indexOf("/");
  const shard = Number(name.slice(0, slash));
  if (slash < 1 || !Number.isSafeInteger(shard) || shard < 1) return null;
  return { room: name.slice(slash + 1), shard };
}
