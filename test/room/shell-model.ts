import { type HistoryFrame, parseServerData, type ServerFrame, ServerType } from "../../src/protocol";
import { DEFAULT_CONFIG, type RoomConfig } from "../../src/room/config";
import {
  disconnect,
  type Effect,
  expire,
  join,
  type Outcome,
  type RoomContext,
  type RoomState,
  receive,
  refusalOf,
  type SentRecord,
  usersFrame,
} from "../../src/room/core";
import { asMessage, Coalescer, textOf, type Urgency, urgencyOf } from "../../src/room/core/coalescer";
import { collapseRuns } from "../../src/room/core/notice-runs";
import { Roster } from "../../src/room/core/roster";
import { type KeptDm, storedReplay } from "./stored-replay";

/**
 * The Durable Object shell of `chat-room.ts`, kept to what decides which
 * connection receives which frame, so delivery can be checked in plain Node
 * with the real hub and the real `Coalescer`: a joiner's socket is registered
 * before its join's effects run (as `fetch` does), `add` and `update` mark
 * new connections `joined`, a connection's own frames go at once unless
 * something queued would reach it first (`hasPendingFor`), every `close`
 * flushes first, and `replay` is read from an in-memory history with the
 * history store's rules (`storedReplay`: ids after `since`, the newest 100 chat
 * messages and notices, runs of notices told in short, the person's DMs of that stretch).
 *
 * Unlike `RoomSimulator`, broadcasts wait in the coalescer until `flush`, which
 * the test calls when it likes: that is where the shell's timer would fire.
 * Not modelled: hibernation and the rebuild after it, storage pruning (runs
 * stay far below 1,100 entries), edits and their `messageUpdated` on resume.
 */
export class ShellModel {
  readonly roster = new Roster();
  readonly coalescer = new Coalescer();
  lastId = 0;
  now = Date.UTC(2026, 10, 23, 12, 0, 0);
  /** Sockets the shell still sends to. */
  readonly sockets = new Set<string>();
  /** Every socket send each connection ever got, in order: one text each, a frame or an array of them. */
  readonly wire = new Map<string, string[]>();
  readonly history: HistoryFrame[] = [];
  readonly dms: KeptDm[] = [];
  readonly context: RoomContext;
  readonly #authors = new Map<number, string>();
  readonly #sent = new Map<string, SentRecord>();
  readonly #active = new Map<string, number>();
  #conns = 0;

  constructor(config: Partial<RoomConfig> = {}) {
    this.context = {
      config: { ...DEFAULT_CONFIG, ...config },
      banOn: () => null,
      listBans: () => [],
      privacy: null,
      epoch: () => "model-epoch",
      findSent: (session, clientId) => this.#sent.get(`${session} ${clientId}`) ?? null,
      findMessage: (id) => {
        const entry = this.history.find((f) => f.payload.id === id);
        return entry?.type === ServerType.chatMessage
          ? { payload: entry.payload, author: this.#authors.get(id) ?? null }
          : null;
      },
      lastActive: (conn) => this.#active.get(conn) ?? 0,
      // Nobody reacts in this model's scripts.
      reactionOf: () => ({ mine: null, present: false, distinct: 0 }),
    };
  }

  get state(): RoomState {
    return { room: "model", lastId: this.lastId, roster: this.roster };
  }

  /** A WebSocket upgrade: a new connection asks to join. */
  join(username: string, session: string, since?: number): { conn: string; outcome: Outcome } {
    const conn = `c${++this.#conns}`;
    const outcome = join(
      this.state,
      this.context,
      { conn, username, session, newSession: `new-${conn}`, since, epoch: undefined },
      this.now,
    );
    this.wire.set(conn, []);
    if (refusalOf(outcome)) return { conn, outcome };
    // As in `fetch`: the socket is accepted and counted, and what is queued marked as already in its
    // replay, before the join's effects are performed.
    this.sockets.add(conn);
    this.coalescer.joined(conn);
    this.#active.set(conn, this.now);
    this.#perform(outcome);
    return { conn, outcome };
  }

  /** A frame from a connection; one the room no longer holds is ignored, as `webSocketMessage` ignores it. */
  receive(conn: string, raw: string): void {
    if (!this.sockets.has(conn)) return;
    this.#active.set(conn, this.now);
    this.#perform(receive(this.state, this.context, conn, raw, this.now));
  }

  /** The room learns that a socket closed or failed (`#depart`); one it closed itself is already gone. */
  disconnect(conn: string): void {
    if (!this.sockets.has(conn)) return;
    this.sockets.delete(conn);
    this.#perform(disconnect(this.state, this.context, conn, this.now));
  }

  /** The alarm: graces that ended, idle connections. */
  alarm(): void {
    this.#perform(expire(this.state, this.context, this.now));
  }

  /** The flush timer fired. */
  flush(): void {
    if (this.coalescer.isEmpty) return;
    this.coalescer.drain(
      this.sockets,
      (conn, text) => this.#socketSend(conn, text),
      (limit) => JSON.stringify(usersFrame(this.roster, limit)),
    );
  }

  /** The frames a connection was sent, arrays spread, in the order they went. */
  frames(conn: string): ServerFrame[] {
    return (this.wire.get(conn) ?? []).flatMap((text) => parseServerData(text));
  }

  #socketSend(conn: string, text: string): void {
    if (this.sockets.has(conn)) this.wire.get(conn)?.push(text);
  }

  #perform({ state, effects }: Outcome): void {
    for (const effect of effects) this.#apply(effect);
    this.lastId = state.lastId;
  }

  #sendAll(conn: string, texts: readonly string[], urgency: Urgency): void {
    if (this.coalescer.hasPendingFor(conn)) {
      for (const text of texts) this.coalescer.send(conn, text, urgency);
      return;
    }
    this.#socketSend(conn, asMessage(texts));
  }

  #apply(effect: Effect): void {
    switch (effect.kind) {
      case "send":
        this.#sendAll(effect.to, [textOf(effect.frame)], urgencyOf(effect.frame));
        return;
      case "broadcast": {
        const { frame } = effect;
        this.coalescer.broadcast(textOf(frame), urgencyOf(frame), frame.type === ServerType.userCount, effect.except);
        return;
      }
      case "presence":
        this.coalescer.presence(effect);
        return;
      case "record":
        this.history.push(effect.frame);
        if (effect.author) this.#authors.set(effect.frame.payload.id, effect.author);
        return;
      case "recordDm":
        this.dms.push({ frame: effect.frame, from: effect.from, to: effect.to });
        return;
      case "remember":
        this.#sent.set(`${effect.session} ${effect.clientId}`, { id: effect.id, ts: effect.ts });
        return;
      case "replay": {
        // Nobody edits or reacts in this model's scripts: no message has changed since anyone's last id.
        const room = { history: this.history, dms: this.dms, reactionsOf: () => undefined, revisions: new Map() };
        const texts = storedReplay(room, effect.since, effect.session, effect.reset).map((f) => JSON.stringify(f));
        if (effect.welcome) texts.unshift(textOf(effect.welcome));
        this.#sendAll(effect.to, texts, "presence");
        return;
      }
      case "close":
        // A closed connection reads what was queued before its close.
        this.flush();
        this.sockets.delete(effect.to);
        return;
      case "add":
        this.roster.add(effect.member);
        for (const conn of effect.member.conns) this.coalescer.joined(conn);
        return;
      case "remove": {
        const member = this.roster.get(effect.session);
        this.roster.remove(effect.session);
        for (const conn of member?.conns ?? []) this.sockets.delete(conn);
        return;
      }
      case "update": {
        const before = this.roster.get(effect.member.session);
        if (!before) return;
        this.roster.update(effect.member);
        for (const conn of effect.member.conns) if (!before.conns.includes(conn)) this.coalescer.joined(conn);
        return;
      }
      case "users":
        this.coalescer.users(effect.to, effect.limit);
        return;
      // Edits, reactions, moderation, private rooms and logs change nobody's delivery here.
      // A refused join's socket was never registered; the alarm's next time is the test's to choose.
      case "refuse":
      case "wake":
      case "revise":
      case "react":
      case "ban":
      case "unban":
      case "closeRoom":
      case "forget":
      case "log":
        return;
      default:
        effect satisfies never;
    }
  }
}

/**
 * The ids a connection holds from what it was sent: each chat message, notice
 * and DM, live or in a history replay, in the order they arrived. Acks and
 * updates name ids the connection already has, so they are not counted.
 */
export function idsIn(frames: readonly ServerFrame[]): number[] {
  return frames.flatMap((frame) => {
    switch (frame.type) {
      case ServerType.chatMessage:
      case ServerType.system:
      case ServerType.dm:
        return [frame.payload.id];
      case ServerType.history:
        return frame.payload.messages.map((m) => m.payload.id);
      default:
        return [];
    }
  });
}
