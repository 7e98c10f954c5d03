import type { ObjectState } from "../../platform/object-state";
import type { HeldSocket } from "../../platform/sockets";
import type { RoomConfig } from "../config";
import { idleDeadline, type LogEntry, type Member } from "../core";
import { Roster } from "../core/roster";
import { RemoteSocket, type RemoteSockets } from "../shards/remote-sockets";
import type { MemberStore } from "../store/members";
import type { AlarmSchedule } from "./alarm-schedule";
import { type Counters, countersOf, freshest, readAttachment, writeAttachment } from "./attachment";

/** The room's in-memory view of who is here: rebuilt from storage and the attachments after waking. */
export interface Present {
  roster: Roster;
  /** Connection id to socket, for sends. Only open, joined sockets, this object's and its shards'. */
  sockets: Map<string, HeldSocket>;
  /** The sockets this object holds itself (the rest are its shards'): a flush sends to these one by one. */
  local: Map<string, HeldSocket>;
  /** Socket to connection id, so a message needs no attachment read to find its sender. */
  ids: WeakMap<HeldSocket, string>;
  /** Connection id to its last frame (or arrival): each connection's own idle clock. */
  seen: Map<string, number>;
  /** Connection id to the account session it came in with, for signed-in connections. */
  signedInAs: Map<string, string>;
}

/**
 * Members and their sockets. The roster and the socket map are caches:
 * rebuilt on the first event after the object wakes, then kept current by
 * the effects, so a message costs the same in a room of 5 or 5,000.
 */
export class Members {
  readonly #ctx: ObjectState;
  readonly #stored: MemberStore;
  readonly #config: RoomConfig;
  readonly #alarms: AlarmSchedule;
  readonly #log: (entry: LogEntry) => void;
  readonly #remote: RemoteSockets | null;
  #present: Present | undefined;

  /** `remote`: the sockets the room's fan-out shards hold for it, members like any other. */
  constructor(
    ctx: ObjectState,
    stored: MemberStore,
    config: RoomConfig,
    alarms: AlarmSchedule,
    log: (entry: LogEntry) => void,
    remote: RemoteSockets | null = null,
  ) {
    this.#ctx = ctx;
    this.#remote = remote;
    this.#stored = stored;
    this.#config = config;
    this.#alarms = alarms;
    this.#log = log;
  }

  /**
   * Members and their sockets, rebuilt after the object wakes or restarts:
   * who is a member comes from SQLite, their connections and freshest
   * counters from the attachments of open sockets. A member with no open
   * socket (it closed while the object slept, or the process restarted) is
   * away: it gets the reconnect grace and leaves properly when the alarm
   * finds it expired. An open socket the room cannot place is closed, so
   * its client reconnects rather than talk to a room that ignores it.
   */
  get(): Present {
    if (this.#present) return this.#present;
    const now = Date.now();
    const stored = new Map(this.#stored.all().map((m) => [m.session, m]));
    const conns = new Map<string, string[]>();
    const copies = new Map<string, Counters[]>();
    const sockets = new Map<string, HeldSocket>();
    const local = new Map<string, HeldSocket>();
    const ids = new WeakMap<HeldSocket, string>();
    const seen = new Map<string, number>();
    const signedInAs = new Map<string, string>();
    const held: HeldSocket[] = this.#ctx.getWebSockets();
    for (const ws of [...held, ...(this.#remote?.all() ?? [])]) {
      const attachment = readAttachment(ws);
      if (attachment?.left) continue;
      // Closing sockets are not connections any more, whatever getWebSockets() says.
      if (ws.readyState !== WebSocket.OPEN) {
        if (attachment) writeAttachment(ws, { ...attachment, left: true });
        continue;
      }
      if (!attachment || !stored.has(attachment.session)) {
        this.#log({ event: "unplaced_socket" });
        try {
          ws.close(1011, "the room lost this connection; reconnect");
        } catch {
          // Closing already.
        }
        continue;
      }
      const { conn, session } = attachment;
      conns.set(session, [...(conns.get(session) ?? []), conn]);
      copies.set(session, [...(copies.get(session) ?? []), attachment.counters]);
      sockets.set(conn, ws);
      if (!(ws instanceof RemoteSocket)) local.set(conn, ws);
      ids.set(ws, conn);
      seen.set(conn, attachment.seen);
      if (attachment.signedInAs !== undefined) signedInAs.set(conn, attachment.signedInAs);
    }
    this.#present = { roster: new Roster(), sockets, local, ids, seen, signedInAs };
    const { roster } = this.#present;
    for (const row of stored.values()) {
      const open = conns.get(row.session) ?? [];
      // Storage has the newest name, role and away mark; the freshest copy of the counters wins.
      const counters = freshest([countersOf({ ...row, conns: [] }), ...(copies.get(row.session) ?? [])]);
      const member: Member = { ...row, ...counters, conns: open };
      if (open.length > 0) delete member.awayUntil;
      else if (member.awayUntil === undefined) {
        member.awayUntil = now + this.#config.reconnectGraceMs;
        this.#stored.save(member);
        // Its socket closed while the room slept (or the process restarted): away, as any other drop is.
        this.#log({ event: "away", username: member.username });
      }
      roster.add(member);
      this.#alarms.wantBy(this.deadlineOf(member));
    }
    this.#stored.commit();
    return this.#present;
  }

  /** A socket accepted for a member's new connection. */
  register(conn: string, ws: HeldSocket, now: number, signedInAs?: string): void {
    const present = this.get();
    present.sockets.set(conn, ws);
    if (!(ws instanceof RemoteSocket)) present.local.set(conn, ws);
    present.ids.set(ws, conn);
    present.seen.set(conn, now);
    if (signedInAs !== undefined) present.signedInAs.set(conn, signedInAs);
  }

  /** The connections that came in with this account session. */
  signedInWith(sessionId: string): string[] {
    const found: string[] = [];
    for (const [conn, id] of this.get().signedInAs) if (id === sessionId) found.push(conn);
    return found;
  }

  /** A connection the room no longer sends to or counts. */
  drop(conn: string): void {
    const { sockets, local, seen, signedInAs } = this.get();
    sockets.delete(conn);
    local.delete(conn);
    seen.delete(conn);
    signedInAs.delete(conn);
  }

  /** The later of a connection's last frame and the runtime's last answer to its heartbeat. */
  lastActive(conn: string): number {
    const { sockets, seen } = this.get();
    const ws = sockets.get(conn);
    const answered =
      ws instanceof RemoteSocket ? ws.heartbeatAt : ws && this.#ctx.getWebSocketAutoResponseTimestamp(ws);
    const heartbeat = answered?.getTime() ?? 0;
    return Math.max(seen.get(conn) ?? 0, heartbeat);
  }

  /** When a member next needs the alarm: the end of its grace, or when its quietest tab falls idle. */
  deadlineOf(member: Member): number {
    return member.awayUntil ?? idleDeadline(member, (c) => this.lastActive(c), this.#config.idleTimeoutMs);
  }

  /**
   * Writes a member's counters into one of its sockets' attachments: the one
   * the frame came on when it is still open, else any other. One write per
   * frame, however many tabs the member has. A socket that refuses is closed
   * by `writeAttachment`; its connection is returned, to leave now, so no
   * connection goes on that the room would forget on waking.
   */
  keepCounters(session: string, preferred?: string): string | undefined {
    const { roster, sockets, seen, signedInAs } = this.get();
    const member = roster.get(session);
    if (!member) return undefined;
    const conn = preferred !== undefined && member.conns.includes(preferred) ? preferred : member.conns[0];
    const ws = conn === undefined ? undefined : sockets.get(conn);
    if (conn === undefined || !ws) return undefined;
    const account = signedInAs.get(conn);
    const kept = writeAttachment(ws, {
      conn,
      session,
      seen: seen.get(conn) ?? member.lastSeen,
      counters: countersOf(member),
      ...(account === undefined ? {} : { signedInAs: account }),
    });
    if (kept) return undefined;
    this.#log({ event: "attachment_failed", username: member.username });
    this.drop(conn);
    return conn;
  }
}
