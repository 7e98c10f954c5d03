import { type ErrorPayload, parseClientFrame, type Reactions, type ServerFrame } from "../../src/protocol";
import { DEFAULT_CONFIG, type RoomConfig } from "../../src/room/config";
import {
  disconnect,
  expire,
  type JoinRequest,
  join,
  type ListingCheck,
  type LogEntry,
  type Member,
  type Outcome,
  type RoomContext,
  type RoomSettings,
  type RoomState,
  receive,
  refusalOf,
  type SentRecord,
  type SignedInAccount,
  usersFrame,
} from "../../src/room/core";
import { unseen } from "../../src/room/core/conversation";
import { nameKeys } from "../../src/room/core/name-skeleton";
import { Roster } from "../../src/room/core/roster";
import type { RoomFile, Unseen, UploadSlot } from "../../src/room/core/state";
import { filePath } from "../../src/room/core/uploads";

import { type KeptDm, storedReplay } from "./stored-replay";

function sameLook(a: string, b: string): boolean {
  const keys = new Set(nameKeys(a));
  return nameKeys(b).some((k) => keys.has(k));
}

/** How a join went, as a test reads it: the member let in, or the refusal. */
export type JoinResult =
  | { ok: true; member: Member | undefined }
  | { ok: false; error: ErrorPayload; closeCode: number };

/**
 * Runs the pure hub the way the Durable Object does, with inboxes instead of
 * sockets, maps instead of tables and a clock the test moves, so rules about
 * who receives what can be checked in plain Node. Each `join` opens one
 * connection (an id like `c3`); several may share a session, like tabs.
 * A join is replayed what the room's history store would send, built from
 * the history and DMs kept here (`storedReplay`).
 * The reconnect grace is off unless a test sets `reconnectGraceMs`.
 */
export class RoomSimulator {
  readonly roster = new Roster();
  lastId = 0;
  readonly inbox = new Map<string, ServerFrame[]>();
  readonly history: ServerFrame[] = [];
  readonly dms: ServerFrame[] = [];
  /** What a conversation told its two accounts' lists, in order. */
  readonly toldAccounts: { to: readonly string[]; from: string; id: number; ts: number }[] = [];
  readonly authors = new Map<number, string>();
  /** Each message's reactions, as the room's tables keep them: emoji, then session, to the name shown. */
  readonly reactions = new Map<number, Map<string, Map<string, string>>>();
  readonly sent = new Map<string, SentRecord>();
  readonly closed = new Map<string, number>();
  readonly logs: LogEntry[] = [];
  readonly bans: { name: string; session: string | null; until: number | null; address?: string | null }[] = [];
  /** Names that belong to accounts (compared by look): a `/nick` to one of them is refused. */
  readonly claimedNames: string[] = [];
  /** An owned room's roles, by account id; no owner: nobody owns the room. */
  readonly roleOf = new Map<string, { name: string; role: "owner" | "operator" }>();
  /** The room's topic and the account that listed it, as the room's settings row keeps them. */
  settings: RoomSettings = { topic: null, listedBy: null };
  /** What the owner's account answers a `/list` (every listing has its place unless a test says otherwise). */
  listingSlot: ListingCheck = { kind: "kept" };
  /** v1.10: the upload slots the room granted. */
  uploads: UploadSlot[] = [];
  /** v1.10: the files uploads brought, by id; and the ids of those deleted with their messages. */
  readonly files = new Map<string, RoomFile>();
  readonly deletedFiles: string[] = [];
  now = Date.UTC(2026, 10, 23, 12, 0, 0);
  readonly context: RoomContext;
  /** Each connection's last frame or arrival, and the runtime's last heartbeat answer, as the shell keeps them. */
  readonly active = new Map<string, number>();
  readonly heartbeats = new Map<string, number>();
  /** The alarm the last expiry asked for: when (null: none). */
  wake: number | null | undefined;
  #ids = 0;
  /** Each stored DM's two parties, by id: who a replay may carry it to. */
  readonly #dmParties = new Map<number, { from: string; to: string }>();
  /** When each changed message last changed: the highest id handed out before that change. */
  readonly #revisions = new Map<number, number>();

  constructor(config: Partial<RoomConfig> = {}, privacy: { closed: boolean } | null = null) {
    this.context = {
      config: { ...DEFAULT_CONFIG, reconnectGraceMs: 0, ...config },
      privacy,
      conversation: null,
      epoch: () => "sim-epoch",
      findSent: (session, clientId) => this.sent.get(`${session} ${clientId}`) ?? null,
      findMessage: (id) => {
        const entry = this.history.find((f) => f.type === "chatMessage" && f.payload.id === id);
        return entry?.type === "chatMessage" ? { payload: entry.payload, author: this.authors.get(id) ?? null } : null;
      },
      reactionOf: (id, emoji, session) => {
        const set = this.reactions.get(id);
        const mine = set?.get(emoji)?.get(session) ?? null;
        return { mine, present: set?.has(emoji) ?? false, distinct: set?.size ?? 0 };
      },
      claimed: (name) => (this.claimedNames.some((claimed) => sameLook(claimed, name)) ? "claimed" : "free"),
      roles: () => {
        const owner = [...this.roleOf].find(([, r]) => r.role === "owner");
        if (!owner) return null;
        const operators = new Map<string, string>();
        for (const [id, r] of this.roleOf) if (r.role === "operator") operators.set(id, r.name);
        return { owner: { accountId: owner[0], name: owner[1].name }, operators };
      },
      settings: () => this.settings,
      listingSlot: () => this.listingSlot,
      newToken: () => crypto.randomUUID().replaceAll("-", ""),
      file: (id) => this.files.get(id) ?? null,
      fileBytes: (now) =>
        [...this.files.values()].reduce((sum, f) => sum + f.size, 0) +
        this.uploads.filter((u) => u.state !== "stored" && u.expiresAt > now).reduce((sum, u) => sum + u.size, 0),
      fileUrl: (id) => filePath(this.state.room, id),
      filesPending: (session, now) =>
        this.uploads.filter((u) => u.session === session && u.state !== "stored" && u.expiresAt > now).length +
        [...this.files.values()].filter((f) => f.session === session && f.messageId === null).length,
      listBans: () => this.bans.map((b) => ({ username: b.name, at: this.now, until: b.until })),
      // A member put in the roster by hand has no connection clock of its own: its last frame stands in.
      lastActive: (conn) =>
        Math.max(this.active.get(conn) ?? this.roster.byConn(conn)?.lastSeen ?? 0, this.heartbeats.get(conn) ?? 0),
      // Names match by look, as the room's ban table matches them.
      banOn: (username, session, address) =>
        this.bans.find(
          (b) =>
            (b.until === null || b.until > this.now) &&
            ((username !== null && sameLook(b.name, username)) ||
              (session !== null && b.session === session) ||
              (address != null && b.address === address)),
        ) ?? null,
    };
  }

  /**
   * A join as it reaches the room past the worker's door; `account` when the
   * worker verified one. Author ids stand in for the durable room's digests:
   * distinct per session, never the session itself.
   */
  join(
    username: string | null,
    session: string | null = null,
    since?: number,
    epoch?: string,
    account?: SignedInAccount,
  ) {
    const id = `c${++this.#ids}`;
    const newSession = `session-${id}`;
    const author = account ? `a${account.id}` : `s#${[...(session ?? newSession)].reverse().join("")}`;
    const request: JoinRequest = {
      conn: id,
      username,
      session,
      newSession,
      since,
      epoch,
      author,
      ...(account ? { account } : {}),
    };
    const joined = join(this.state, this.context, request, this.now);
    this.inbox.set(id, []);
    this.active.set(id, this.now);
    this.#apply(joined);
    const refused = refusalOf(joined);
    const outcome: JoinResult = refused
      ? { ok: false, error: refused.error, closeCode: refused.code }
      : { ok: true, member: this.roster.byConn(id) };
    return { id, outcome };
  }

  get state(): RoomState {
    return { room: "sim", lastId: this.lastId, roster: this.roster };
  }

  /** Members, oldest first. */
  get members(): Member[] {
    return [...this.roster.values()].sort((a, b) => a.connectedAt - b.connectedAt);
  }

  send(id: string, raw: string | ArrayBuffer) {
    this.active.set(id, this.now);
    this.#apply(receive(this.state, this.context, id, raw, this.now));
  }

  /** Sends a frame that must parse; for readable tests. */
  command(id: string, line: string) {
    if (!parseClientFrame(line).ok) throw new Error(`not a valid frame: ${line}`);
    this.send(id, line);
  }

  /** The connection drops without a quit (a closed tab, a lost network). */
  disconnect(id: string) {
    if (this.closed.has(id)) return;
    this.closed.set(id, 1006);
    this.#apply(disconnect(this.state, this.context, id, this.now));
  }

  /** Runs the alarm; `heartbeats` maps connection ids to the runtime's last pong. */
  alarm(heartbeats: Record<string, number> = {}) {
    for (const [conn, at] of Object.entries(heartbeats)) this.heartbeats.set(conn, at);
    this.wake = undefined;
    this.#apply(expire(this.state, this.context, this.now));
    return this.wake;
  }

  /** v1.10: the bytes of a granted slot arrived (what the worker's upload does), as a file of `type`. */
  storeFile(token: string, file: { id: string; size: number; type: string }): void {
    const slot = this.uploads.find((u) => u.token === token);
    if (!slot) throw new Error(`no slot ${token}`);
    this.uploads = this.uploads.map((u) => (u === slot ? { ...u, state: "stored" } : u));
    this.files.set(file.id, { ...file, session: slot.session, name: slot.name, messageId: null });
  }

  /** A message's reactions as replays show them; undefined when it has none. */
  reactionsOf(id: number): Reactions | undefined {
    const set = this.reactions.get(id);
    if (!set || set.size === 0) return undefined;
    return Object.fromEntries([...set].map(([emoji, who]) => [emoji, [...who.values()]]));
  }

  frames(id: string): ServerFrame[] {
    return this.inbox.get(id) ?? [];
  }

  /** The member a connection belongs to. */
  member(id: string): Member | undefined {
    return this.roster.byConn(id);
  }

  /** The history frame (and a resume's updates) the room's store would send, from what the simulator keeps. */
  #replay(since: number | undefined, session: string, reset: boolean, hidden?: Unseen): ServerFrame[] {
    // A blocker's replay reads past the blocked person's rows, as the store's query skips them.
    const withheld = (id: number) => {
      const stored = hidden ? this.#authorAndChange(id) : null;
      if (!hidden || stored?.authorId !== hidden.authorId) return false;
      return id > hidden.since || (stored.changedAt ?? 0) > hidden.since;
    };
    const history = this.history
      .filter((f) => f.type === "chatMessage" || f.type === "system")
      .filter((f) => f.type !== "chatMessage" || !withheld(f.payload.id));
    const dms = this.dms.flatMap((frame): KeptDm[] => {
      const parties = frame.type === "dm" ? this.#dmParties.get(frame.payload.id) : undefined;
      return frame.type === "dm" && parties ? [{ frame, ...parties }] : [];
    });
    const room = { history, dms, reactionsOf: (id: number) => this.reactionsOf(id), revisions: this.#revisions };
    return storedReplay(room, since, session, reset);
  }

  /** A stored message's author id and when it last changed, as the room's history store answers it. */
  #authorAndChange(id: number): { authorId?: string; changedAt: number | null } | null {
    const found = this.context.findMessage(id);
    if (!found) return null;
    const { authorId } = found.payload;
    return { ...(authorId === undefined ? {} : { authorId }), changedAt: this.#revisions.get(id) ?? null };
  }

  #apply({ state, effects }: Outcome) {
    // Effects run before the outcome's ids are settled, as the room's sequencer sees them.
    const lastIdBefore = this.lastId;
    this.lastId = state.lastId;
    for (const effect of effects) {
      switch (effect.kind) {
        case "send":
          if (!this.closed.has(effect.to)) this.inbox.get(effect.to)?.push(effect.frame);
          break;
        case "users":
          // Unbatched: answered at once (the shell's coalescer writes one list per flush for all who asked).
          if (!this.closed.has(effect.to)) this.inbox.get(effect.to)?.push(usersFrame(this.roster, effect.limit));
          break;
        case "broadcast":
          for (const member of this.roster.values()) {
            for (const conn of member.conns) {
              if (this.closed.has(conn) || effect.except?.includes(conn)) continue;
              this.inbox.get(conn)?.push(effect.frame);
            }
          }
          break;
        case "presence": {
          // Unbatched: one frame per change (the shell's coalescer gathers them per flush).
          const frame: ServerFrame = {
            type: "presence",
            payload: {
              joined: effect.joined === undefined ? [] : [effect.joined],
              left: effect.left === undefined ? [] : [effect.left],
            },
          };
          for (const member of this.roster.values()) {
            for (const conn of member.conns) if (!this.closed.has(conn)) this.inbox.get(conn)?.push(frame);
          }
          break;
        }
        case "record":
          this.history.push(effect.frame);
          if (effect.author) this.authors.set(effect.frame.payload.id, effect.author);
          break;
        case "revise": {
          const at = this.history.findIndex(
            (f) => f.type === "chatMessage" && f.payload.id === effect.frame.payload.id,
          );
          if (at >= 0) this.history[at] = effect.frame;
          this.#revisions.set(effect.frame.payload.id, lastIdBefore);
          if (effect.frame.type === "chatMessage" && effect.frame.payload.deleted) {
            this.reactions.delete(effect.frame.payload.id);
          }
          break;
        }
        case "react": {
          const set = this.reactions.get(effect.id) ?? new Map<string, Map<string, string>>();
          const who = set.get(effect.emoji) ?? new Map<string, string>();
          if (effect.on) who.set(effect.session, effect.username);
          else who.delete(effect.session);
          if (who.size > 0) set.set(effect.emoji, who);
          else set.delete(effect.emoji);
          this.reactions.set(effect.id, set);
          this.#revisions.set(effect.id, lastIdBefore);
          break;
        }
        case "recordDm":
          this.dms.push(effect.frame);
          this.#dmParties.set(effect.frame.payload.id, { from: effect.from, to: effect.to });
          break;
        case "tellAccounts":
          this.toldAccounts.push({ to: effect.to, from: effect.from, id: effect.id, ts: effect.ts });
          break;
        case "remember":
          this.sent.set(`${effect.session} ${effect.clientId}`, { id: effect.id, ts: effect.ts });
          break;
        case "replay": {
          if (effect.welcome) this.inbox.get(effect.to)?.push(effect.welcome);
          const hidden = effect.unseen;
          const replayed = this.#replay(effect.since, effect.session, effect.reset, hidden);
          this.inbox
            .get(effect.to)
            ?.push(...(hidden ? unseen(replayed, hidden, (id) => this.#authorAndChange(id)) : replayed));
          break;
        }
        case "close":
          this.closed.set(effect.to, effect.code);
          break;
        case "refuse":
          this.inbox.get(effect.to)?.push({ type: "error", payload: effect.error });
          this.closed.set(effect.to, effect.code);
          break;
        case "role":
          if (effect.role === null) this.roleOf.delete(effect.accountId);
          else this.roleOf.set(effect.accountId, { name: effect.name, role: effect.role });
          break;
        case "topic":
          this.settings = { ...this.settings, topic: effect.topic };
          break;
        case "listing":
          this.settings = { ...this.settings, listedBy: effect.listedBy };
          break;
        case "uploadSlot":
          this.uploads.push(effect.slot);
          break;
        case "attachFiles":
          for (const id of effect.ids) {
            const file = this.files.get(id);
            if (file) this.files.set(id, { ...file, messageId: effect.messageId });
          }
          break;
        case "deleteFiles":
          for (const file of [...this.files.values()]) {
            if (file.messageId !== effect.messageId) continue;
            this.files.delete(file.id);
            this.deletedFiles.push(file.id);
          }
          break;
        case "wake":
          this.wake = effect.at;
          break;
        case "ban":
          this.bans.push({
            name: effect.username,
            session: effect.session,
            until: effect.until,
            address: effect.address,
          });
          break;
        case "unban":
          for (let i = this.bans.length - 1; i >= 0; i--) {
            if (sameLook(this.bans[i]?.name ?? "", effect.username)) this.bans.splice(i, 1);
          }
          break;
        case "log":
          this.logs.push(effect.entry);
          break;
        case "closeRoom":
          if (this.context.privacy) this.context.privacy.closed = true;
          break;
        case "forget":
          this.history.length = 0;
          this.dms.length = 0;
          this.#dmParties.clear();
          this.#revisions.clear();
          this.reactions.clear();
          break;
        case "add":
          this.roster.add(effect.member);
          break;
        case "remove":
          this.roster.remove(effect.session);
          break;
        case "update":
          this.roster.update(effect.member);
          break;
        default:
          effect satisfies never;
      }
    }
  }
}
