import { nameKeys } from "./name-skeleton";
import type { Bucket } from "./rate-limit";

/**
 * One person in the room: a session, however many tabs it has open. The shell
 * keeps a copy in each of its sockets' attachments and the durable part
 * (name, role, away deadline) in SQLite, so neither hibernation nor a restart
 * forgets who was here.
 */
export interface Member {
  /**
   * The member's identity in the room: the session for an anonymous person,
   * `@` and the account's id for a signed-in one (a character no session may
   * hold), so every device of one account is one member.
   */
  session: string;
  username: string;
  /** Public: who wrote what, as `chatMessage.authorId` carries it (see `authorId`). Empty for rows from before v1.8. */
  author: string;
  /** Signed in to the account of this name. */
  verified?: true;
  /** An anonymous member's client address, as it last joined: a ban holds it too. Never sent to anyone. */
  address?: string;
  operator: boolean;
  connectedAt: number;
  messagesSent: number;
  /** Last frame received from any of its connections (heartbeats are tracked by the runtime). */
  lastSeen: number;
  bucket: Bucket;
  /** Times of recent frames dropped by the rate limit, newest last. */
  drops: number[];
  /** Open connections, one per tab, oldest first. Empty while away. */
  conns: string[];
  /** Set while no connection is open: when the reconnect grace ends and the member leaves. */
  awayUntil?: number;
  /** When this member's last typing notice was passed on. */
  typingAt?: number;
}

/** Who is in the room, looked up by session, connection or name in constant time. */
export interface RosterView {
  readonly size: number;
  get(session: string): Member | undefined;
  /** The member a connection belongs to. */
  byConn(conn: string): Member | undefined;
  /** By look: names are unique by their confusable skeleton, whatever the case. */
  byName(username: string): Member | undefined;
  /**
   * The highest `n` among present names `base-n` (1 for `base` itself, 0 for
   * none): where a new anonymous name starts looking, so a second's worth of
   * anonymous joiners costs each one probe or two, not one per name before it.
   */
  anonymousTop(base: string): number;
  /** Whether any name here, folded by look, ends in punctuation or a symbol (`bob!`): rare, and mentions need to know. */
  readonly hasMarkEndedNames: boolean;
  values(): IterableIterator<Member>;
}

/**
 * The room's members. The room's rules read it through `RosterView` and
 * describe changes as effects (`add`, `remove`, `update`), which the Durable
 * Object applies to its cached roster, so handling a message never copies or
 * scans the member list.
 */
export class Roster implements RosterView {
  readonly #bySession = new Map<string, Member>();
  readonly #sessionByName = new Map<string, string>();
  readonly #sessionByConn = new Map<string, string>();
  /** How many present names, folded by look, end in punctuation or a symbol. */
  #markEnded = 0;
  /** Per anonymous base name: how many present names use it, and the highest suffix among them. */
  readonly #anonymous = new Map<string, { count: number; top: number }>();
  #version = 0;

  static of(members: Iterable<Member>): Roster {
    const roster = new Roster();
    for (const m of members) roster.add(m);
    return roster;
  }

  get size(): number {
    return this.#bySession.size;
  }

  /**
   * Changes whenever what a people list shows changes (who, names, roles,
   * order, away marks), and only then: every frame updates its sender's
   * counters, and a list built for one version serves every request until
   * the next.
   */
  get version(): number {
    return this.#version;
  }

  get(session: string): Member | undefined {
    return this.#bySession.get(session);
  }

  byConn(conn: string): Member | undefined {
    const session = this.#sessionByConn.get(conn);
    return session === undefined ? undefined : this.#bySession.get(session);
  }

  byName(username: string): Member | undefined {
    for (const key of nameKeys(username)) {
      const session = this.#sessionByName.get(key);
      if (session !== undefined) return this.#bySession.get(session);
    }
    return undefined;
  }

  values(): IterableIterator<Member> {
    return this.#bySession.values();
  }

  anonymousTop(base: string): number {
    return this.#anonymous.get(base)?.top ?? 0;
  }

  get hasMarkEndedNames(): boolean {
    return this.#markEnded > 0;
  }

  add(member: Member): void {
    this.remove(member.session);
    this.#version++;
    this.#bySession.set(member.session, member);
    this.#indexName(member);
    for (const conn of member.conns) this.#sessionByConn.set(conn, member.session);
  }

  #indexName(member: Member): void {
    const anon = anonymousParts(member.username);
    if (anon) {
      const entry = this.#anonymous.get(anon.base) ?? { count: 0, top: 0 };
      this.#anonymous.set(anon.base, { count: entry.count + 1, top: Math.max(entry.top, anon.n) });
    }
    const keys = nameKeys(member.username);
    if (keys.some(endsInMark)) this.#markEnded++;
    for (const key of keys) this.#sessionByName.set(key, member.session);
  }

  #unindexName(member: Member): void {
    const anon = anonymousParts(member.username);
    const entry = anon && this.#anonymous.get(anon.base);
    if (anon && entry) {
      // The top stays while the base is in use: it only says where to start looking.
      if (entry.count <= 1) this.#anonymous.delete(anon.base);
      else this.#anonymous.set(anon.base, { ...entry, count: entry.count - 1 });
    }
    const keys = nameKeys(member.username);
    if (keys.some(endsInMark)) this.#markEnded--;
    for (const key of keys) {
      if (this.#sessionByName.get(key) === member.session) this.#sessionByName.delete(key);
    }
  }

  /** Replaces a member's record; its connections (and its name, after `/nick`) are re-indexed when they changed. */
  update(member: Member): void {
    const old = this.#bySession.get(member.session);
    if (!old) return;
    if (old.username !== member.username) {
      this.#unindexName(old);
      this.#indexName(member);
    }
    this.#bySession.set(member.session, member);
    if (!sameListing(old, member)) this.#version++;
    if (old.conns === member.conns) return;
    for (const conn of old.conns) this.#sessionByConn.delete(conn);
    for (const conn of member.conns) this.#sessionByConn.set(conn, member.session);
  }

  remove(session: string): void {
    const member = this.#bySession.get(session);
    if (!member) return;
    this.#bySession.delete(session);
    this.#version++;
    for (const conn of member.conns) this.#sessionByConn.delete(conn);
    this.#unindexName(member);
  }
}

/**
 * The room as it will be once some members have left, and perhaps one record
 * changed (an heir made operator), without copying the roster. The rules
 * return this as the state after a departure; the shell applies the matching
 * `remove` and `update` effects to its own roster. Copying instead would make
 * each departure cost the whole room, and everyone's reconnect grace ending
 * in one alarm cost the room squared.
 */
export function rosterWithout(base: RosterView, gone: ReadonlySet<string>, replaced?: Member): RosterView {
  let size = base.size;
  for (const session of gone) if (base.get(session)) size--;
  const keep = (m: Member | undefined): Member | undefined => {
    if (!m || gone.has(m.session)) return undefined;
    return replaced?.session === m.session ? replaced : m;
  };
  return {
    size,
    get: (session) => keep(base.get(session)),
    byConn: (conn) => keep(base.byConn(conn)),
    byName: (username) => keep(base.byName(username)),
    anonymousTop: (name) => base.anonymousTop(name),
    hasMarkEndedNames: base.hasMarkEndedNames,
    *values() {
      for (const m of base.values()) {
        const kept = keep(m);
        if (kept) yield kept;
      }
    },
  };
}

/** Whether two records of a member read the same in a people list. */
function sameListing(a: Member, b: Member): boolean {
  return (
    a.username === b.username &&
    a.operator === b.operator &&
    a.connectedAt === b.connectedAt &&
    a.verified === b.verified &&
    (a.awayUntil === undefined) === (b.awayUntil === undefined)
  );
}

/** `Anon_HHmmss` and `Anon_HHmmss-n`, as the room hands them out: their base and `n` (1 for the base itself). */
function anonymousParts(username: string): { base: string; n: number } | null {
  const match = /^(Anon_\d{6})(?:-(\d{1,9}))?$/.exec(username);
  if (!match?.[1]) return null;
  return { base: match[1], n: match[2] === undefined ? 1 : Number(match[2]) };
}

const MARK_AT_END = /[\p{P}\p{S}]$/u;
const endsInMark = (key: string) => MARK_AT_END.test(key);
