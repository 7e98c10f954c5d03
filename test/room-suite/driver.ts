import type { ClientFrame, ServerFrame } from "../../src/protocol";

/** The reconnect grace the suite runs with in both interpreters: the worker project's RECONNECT_GRACE_SECONDS. */
export const SUITE_GRACE_MS = 2000;

/**
 * What the room suite needs of a room, so each scenario is written once and
 * run against every interpreter of the room's rules: the simulator in Node
 * and the Durable Object inside workerd. Everything is async because the
 * Durable Object is; the simulator answers at once.
 */
export interface RoomDriver {
  /**
   * Opens a connection for `username` and waits until the room has answered
   * it: the join sequence, or the refusal and its close.
   */
  join(username: string, options?: JoinOptions): Promise<Tab>;
  /** Time passes beyond the reconnect grace, and the room's alarm has run. */
  pastGrace(): Promise<void>;
  /**
   * v1.10: the bytes of an upload go to a slot the room granted (over HTTP,
   * past the room's own socket): the stored file's id, as the upload answers.
   */
  upload(slotUrl: string, bytes: Uint8Array): Promise<string>;
  /** v1.10: the ids of the files the room holds (stored, and not deleted). */
  files(): Promise<string[]>;
}

export interface JoinOptions {
  /** Come back as this session (tabs and resumes); absent, the room hands out a new one. */
  session?: string;
  /** The last id this client saw: the replay holds only what came after. */
  since?: number;
  /** The epoch that id belongs to. */
  epoch?: string;
}

/** One connection, as its person sees it. */
export interface Tab {
  /**
   * Every frame received so far, oldest first, batches spread, the driver's
   * own heartbeats left out. Waits until everything the room sent before the
   * call has arrived.
   */
  received(): Promise<ServerFrame[]>;
  /** Sends a frame or a typed line, and waits until the room has handled it. */
  send(frame: ClientFrame | string): Promise<void>;
  /** The connection drops without a quit: a closed tab, a lost network. */
  drop(): Promise<void>;
  /** The code the room closed this connection with; fails if it stays open. */
  closeCode(): Promise<number>;
}

/** The two signed-in people of a conversation, as the scenarios name them. */
export type Party = "ann" | "bob";

/**
 * A conversation between two accounts, for the same scenarios against every
 * interpreter: its people open it (each open is a new connection of that
 * person's one session) and block each other.
 */
export interface ConversationDriver {
  /** `who` opens the conversation and waits until it has answered (welcome and replay). */
  open(who: Party, options?: Omit<JoinOptions, "session">): Promise<Tab>;
  /** `who` blocks the other (`on`), or stops blocking. */
  block(who: Party, on: boolean): Promise<void>;
}
