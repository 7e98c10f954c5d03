import { LazyTable } from "../../platform/lazy-table";
import type { Sql } from "../../platform/sql";
import type { HomeConversation } from "../../protocol";
import type { Claimant } from "../core/claims";

/** Conversations an account's list keeps: the most recent this many; an older one comes back when either writes. */
export const CONVERSATIONS_MAX = 200;
/** Rooms a person keeps joined at once. */
export const JOINED_ROOMS_MAX = 20;

/** A conversation as the account's list shows it. */
export interface ListedConversation {
  /** The other person: account id and name. */
  with: Claimant;
  lastId: number;
  lastMessageAt: number;
  /** Messages from the other person since this account last read the conversation. */
  unread: number;
  /** This account blocks the other person. */
  blocked: boolean;
}

/** Who wrote what, and when, in a conversation. */
export interface ConversationMove {
  /** The writer's account id. */
  from: string;
  id: number;
  ts: number;
}

/**
 * What an account keeps across rooms: its conversations (each with its
 * unread count and block), and the rooms it keeps joined, so both follow
 * the account to every device. Made on first use.
 */
export class HomeStore {
  readonly #sql: Sql;
  readonly #table: LazyTable;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.#table = new LazyTable(sql, "conversations", [
      `CREATE TABLE IF NOT EXISTS conversations (peer_id TEXT PRIMARY KEY, peer_name TEXT NOT NULL,
        last_id INTEGER NOT NULL, last_ts INTEGER NOT NULL, unread INTEGER NOT NULL, blocked INTEGER NOT NULL)`,
      "CREATE INDEX IF NOT EXISTS conversations_by_time ON conversations (last_ts)",
      "CREATE TABLE IF NOT EXISTS joined (room TEXT PRIMARY KEY, position INTEGER NOT NULL)",
    ]);
  }

  /**
   * The conversation with `peer` moved: a message from them counts as unread;
   * one from here reads all before it. Each message is told once, and two may
   * arrive out of order, so an older one still counts but moves nothing back.
   */
  moved(peer: Claimant, move: ConversationMove): void {
    this.#table.ensure();
    this.#sql.exec(
      `INSERT INTO conversations (peer_id, peer_name, last_id, last_ts, unread, blocked) VALUES (?1, ?2, ?3, ?4, ?5, 0)
       ON CONFLICT (peer_id) DO UPDATE SET peer_name = ?2, last_id = max(last_id, ?3), last_ts = max(last_ts, ?4),
         unread = CASE WHEN ?5 = 1 THEN unread + 1 WHEN ?3 >= last_id THEN 0 ELSE unread END`,
      peer.accountId,
      peer.name,
      move.id,
      move.ts,
      move.from === peer.accountId ? 1 : 0,
    );
    this.#keepNewest();
  }

  /** This account read the conversation with `peerId` up to message `upTo`. */
  read(peerId: string, upTo: number): void {
    if (!this.#table.exists()) return;
    this.#sql.exec("UPDATE conversations SET unread = 0 WHERE peer_id = ? AND last_id <= ?", peerId, upTo);
  }

  /** This account blocks `peer`, or stops; the conversation is listed either way. */
  block(peer: Claimant, on: boolean, now: number): void {
    this.#table.ensure();
    this.#sql.exec(
      `INSERT INTO conversations (peer_id, peer_name, last_id, last_ts, unread, blocked) VALUES (?1, ?2, 0, ?3, 0, ?4)
       ON CONFLICT (peer_id) DO UPDATE SET blocked = ?4`,
      peer.accountId,
      peer.name,
      now,
      on ? 1 : 0,
    );
    this.#keepNewest();
  }

  blocks(peerId: string): boolean {
    if (!this.#table.exists()) return false;
    return this.#sql.exec("SELECT 1 FROM conversations WHERE peer_id = ? AND blocked = 1", peerId).toArray().length > 0;
  }

  /** The newest first. */
  conversations(): ListedConversation[] {
    if (!this.#table.exists()) return [];
    return this.#sql
      .exec<ConversationRow>(`SELECT ${COLUMNS} FROM conversations ORDER BY last_ts DESC`)
      .toArray()
      .map(listed);
  }

  /** The conversation with `peerId`, as listed; null when it is not. */
  conversation(peerId: string): ListedConversation | null {
    if (!this.#table.exists()) return null;
    const row = this.#sql
      .exec<ConversationRow>(`SELECT ${COLUMNS} FROM conversations WHERE peer_id = ?`, peerId)
      .toArray()[0];
    return row ? listed(row) : null;
  }

  /** Takes the conversation with `peerId` off the list; the name it was listed under, or null when it was not. */
  forgetConversation(peerId: string): string | null {
    const listed = this.conversation(peerId);
    if (listed === null) return null;
    this.#sql.exec("DELETE FROM conversations WHERE peer_id = ?", peerId);
    return listed.with.name;
  }

  /** The rooms kept joined, in the order the person keeps them. */
  joined(): string[] {
    if (!this.#table.exists()) return [];
    return this.#sql
      .exec<{ room: string }>("SELECT room FROM joined ORDER BY position")
      .toArray()
      .map((r) => r.room);
  }

  /** Replaces the rooms kept joined (at most `JOINED_ROOMS_MAX`, checked by the caller). */
  setJoined(rooms: readonly string[]): void {
    this.#table.ensure();
    this.#sql.exec("DELETE FROM joined");
    rooms.forEach((room, position) => {
      this.#sql.exec("INSERT OR IGNORE INTO joined (room, position) VALUES (?, ?)", room, position);
    });
  }

  forget(): void {
    this.#table.forget();
  }

  #keepNewest(): void {
    this.#sql.exec(
      `DELETE FROM conversations WHERE peer_id IN
         (SELECT peer_id FROM conversations ORDER BY last_ts DESC LIMIT -1 OFFSET ?)`,
      CONVERSATIONS_MAX,
    );
  }
}

type ConversationRow = {
  peer_id: string;
  peer_name: string;
  last_id: number;
  last_ts: number;
  unread: number;
  blocked: number;
};

const COLUMNS = "peer_id, peer_name, last_id, last_ts, unread, blocked";

function listed(r: ConversationRow): ListedConversation {
  return {
    with: { accountId: r.peer_id, name: r.peer_name },
    lastId: r.last_id,
    lastMessageAt: r.last_ts,
    unread: r.unread,
    blocked: r.blocked === 1,
  };
}

/** A conversation as its person's devices are told of it. */
export function wireConversation(conversation: ListedConversation): HomeConversation {
  const { with: peer, lastId, lastMessageAt, unread, blocked } = conversation;
  return { with: peer.name, lastId, lastMessageAt, unread, blocked };
}
