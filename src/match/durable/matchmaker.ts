import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { refusedSocket } from "../../platform/refused-socket";
import { answerCode } from "../../platform/sockets";
import {
  anonymousName,
  ClientType,
  CloseCode,
  checkUsername,
  ErrorCode,
  type ErrorPayload,
  isSessionId,
  type MatchServerFrame,
  MatchType,
  matchFrame,
  PRIVATE_ROOM_PREFIX,
  parseMatchFrame,
  type ServerFrame,
  ServerType,
  serverFrame,
} from "../../protocol";
import { type RoomConfig, readConfig } from "../../room/config";
import {
  distinctNames,
  findPartner,
  inLine,
  joinTime,
  placePayload,
  positionOf,
  positionUpdates,
  recentAmong,
  type Waiting,
} from "../core/queue";
import { matchSecret } from "../core/secret";
import {
  admitFrame,
  type FrameLimit,
  lastActive,
  newSeeker,
  outOfLine,
  readSeeker,
  type Seeker,
  writeSeeker,
} from "../core/seeker";
import { signTicket, TICKET_TTL_MS } from "../core/ticket";
import { RecentPartners } from "../store/recent";

/**
 * Places in line are sent at most this often. Every join, leave and match
 * moves the line, so telling everyone at once would let one client make the
 * matchmaker send a frame per waiting person each time it toggles.
 */
export const POSITION_INTERVAL_MS = 50;

/** Someone to be matched: their socket, its attachment, and what they wait for. */
interface Party {
  ws: WebSocket;
  seeker: Seeker;
  waiting: Waiting;
}

/** One waiting person, and when they will count as gone silent. */
interface InLine extends Party {
  deadline: number;
}

/**
 * The stranger matchmaker: one object holds the queue. Who is waiting, with
 * their tags, lives in each socket's attachment, so the queue survives
 * hibernation; a socket that closes leaves the queue at once, and one that
 * goes silent is evicted by the alarm (or when someone would be matched with
 * it, if that comes first).
 */
export class Matchmaker extends DurableObject<Env> {
  readonly #config: RoomConfig;
  readonly #limit: FrameLimit;
  /** The alarm as last read or set; undefined until read after waking. */
  #alarm: number | null | undefined;
  /** The pending broadcast of places in line, if one is scheduled. */
  #positionTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * People whose tickets are being signed. Signing is asynchronous, and they
   * are out of the queue by then, so a second joinQueue meanwhile would queue
   * someone who is already matched.
   */
  readonly #matching = new Set<string>();
  readonly #recent: RecentPartners;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#recent = new RecentPartners(ctx.storage.sql);
    // The same limits as rooms: one IDLE_TIMEOUT_SECONDS and one rate limit for every socket.
    this.#config = readConfig(env);
    this.#limit = {
      burst: this.#config.rateLimitBurst,
      perSecond: this.#config.rateLimitPerSecond,
      floodDrops: this.#config.floodDrops,
      floodWindowMs: this.#config.floodWindowMs,
    };
    // Heartbeats are answered by the runtime without waking the object; the
    // alarm reads when each socket was last answered.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const requested = url.searchParams.get("username")?.trim() ?? "";
    const session = url.searchParams.get("session");
    const now = Date.now();
    const name = requested === "" ? { ok: true as const, username: anonymousName(now) } : checkUsername(requested);
    if (!name.ok || (session !== null && !isSessionId(session))) {
      const error: ErrorPayload = name.ok
        ? { code: ErrorCode.badSession, message: "session must be 8-64 characters of A-Z a-z 0-9 _ -" }
        : { code: ErrorCode.badUsername, message: name.reason };
      return refusedSocket(error, CloseCode.badRequest);
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const fields = {
      id: crypto.randomUUID(),
      username: name.username,
      session: session ?? crypto.randomUUID().replaceAll("-", ""),
      origin: url.origin,
    };
    server.serializeAttachment(newSeeker(fields, this.#limit, now));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const found = readSeeker(ws);
    // A socket this object is closing (idle, flooding) may still deliver a frame; it must not queue again.
    if (!found || ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    const admitted = admitFrame(found, this.#limit, now);
    const seeker = admitted.seeker;
    writeSeeker(ws, seeker);
    if (admitted.verdict === "drop") {
      const error = { code: ErrorCode.rateLimited, message: "slow down", retryAfterMs: admitted.retryAfterMs };
      return send(ws, matchFrame("error", error));
    }
    if (admitted.verdict === "close") return this.#closeFlooder(ws, seeker, admitted.retryAfterMs);
    if (typeof message === "string" && tooLarge(message, this.#config.maxFrameBytes)) {
      const error = { code: ErrorCode.tooLarge, message: `a frame is at most ${this.#config.maxFrameBytes} bytes` };
      return send(ws, matchFrame("error", error));
    }
    const parsed = parseMatchFrame(message);
    if (!parsed.ok) return send(ws, matchFrame("error", parsed.error));
    switch (parsed.frame.type) {
      case ClientType.ping:
        return send(ws, serverFrame(ServerType.pong, {}));
      case MatchType.leaveQueue:
        return this.#leaveQueue(ws, seeker);
      case MatchType.joinQueue:
        return this.#joinQueue(ws, seeker, parsed.frame.payload, now);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    if (ws.readyState !== WebSocket.CLOSED) {
      try {
        ws.close(answerCode(code), reason.slice(0, 120));
      } catch {
        // Already closed.
      }
    }
    this.#dequeue(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#dequeue(ws);
  }

  /**
   * Evicts those who have gone silent, then sets the alarm for the next one
   * who could. Activity does not move the alarm, so it may fire early; it then
   * only moves itself. With nobody waiting it is not set again.
   */
  override async alarm(): Promise<void> {
    this.#alarm = null;
    const now = Date.now();
    const line = await this.#matchWaiting(this.#line(now), now);
    const silent = line.reduce((soonest, entry) => Math.min(soonest, entry.deadline), Number.POSITIVE_INFINITY);
    if (line.length > 0) await this.#wantAlarmBy(Math.min(silent, this.#nextRelease(line, now)));
    this.#lineMoved();
  }

  /**
   * Matches those in line who may meet now, taking each in order as if they
   * had just arrived. Nobody joining is what usually makes a match, but two
   * recent partners who wait on after their 10 minutes are up would otherwise
   * wait for a newcomer who may never come. Returns who is still waiting.
   */
  async #matchWaiting(line: InLine[], now: number): Promise<InLine[]> {
    const byId = new Map(line.map((entry) => [entry.waiting.id, entry]));
    const still: InLine[] = [];
    // Decided on one reading of the line, with nothing awaited in between, so nobody is paired twice.
    const pairs: [InLine, InLine, string][] = [];
    for (const w of inLine(line.map((entry) => entry.waiting))) {
      const entry = byId.get(w.id);
      if (!entry) continue;
      const partner = findPartner(
        still.map((e) => e.waiting),
        w,
        this.#recent.of(w.session, now),
      );
      const partnerEntry = partner && still.find((e) => e.waiting.id === partner.id);
      const secret = matchSecret(this.env.MATCH_SECRET, entry.seeker.origin);
      if (!partnerEntry || !secret) {
        still.push(entry);
        continue;
      }
      still.splice(still.indexOf(partnerEntry), 1);
      pairs.push([partnerEntry, entry, secret]);
    }
    // Each pairing takes its two out of the line before its first await, so these start in step.
    await Promise.all(pairs.map(([waited, arrived, secret]) => this.#pair(waited, arrived, secret, now)));
    return still;
  }

  /** When the first two people in line who are kept apart only as recent partners may meet. */
  #nextRelease(line: readonly InLine[], now: number): number {
    if (line.length < 2) return Number.POSITIVE_INFINITY;
    const waiting = new Set(line.map((entry) => entry.waiting.session));
    let soonest = Number.POSITIVE_INFINITY;
    for (const entry of line) {
      for (const [partner, until] of this.#recent.until(entry.waiting.session, now)) {
        if (waiting.has(partner)) soonest = Math.min(soonest, until);
      }
    }
    return soonest;
  }

  async #joinQueue(ws: WebSocket, seeker: Seeker, wish: { tags: string[]; wants: string[] }, now: number) {
    if (seeker.queued || this.#matching.has(seeker.id)) {
      return send(ws, matchFrame("error", { code: ErrorCode.alreadyQueued, message: "already waiting for a match" }));
    }
    // The worker's own resolution, from the same origin: a ticket signed here is one the worker accepts.
    const secret = matchSecret(this.env.MATCH_SECRET, seeker.origin);
    if (!secret) {
      const error = { code: ErrorCode.unavailable, message: "matchmaking needs MATCH_SECRET" };
      return send(ws, matchFrame("error", error));
    }
    const line = this.#line(now);
    const since = joinTime(
      line.map((entry) => entry.waiting),
      now,
    );
    const me: Waiting = { id: seeker.id, username: seeker.username, session: seeker.session, ...wish, since };
    const recent = this.#recent.until(me.session, now);
    const partner = findPartner(
      line.map((entry) => entry.waiting),
      me,
      recent,
    );
    const partnerEntry = partner && line.find((entry) => entry.waiting.id === partner.id);
    if (!partnerEntry) {
      const waiting = [...line.map((entry) => entry.waiting), me];
      const place = { ...positionOf(waiting, me.id), recent: recentAmong(waiting, me, recent) };
      const queued = { tags: me.tags, wants: me.wants, since };
      writeSeeker(ws, { ...seeker, queued, told: place.position, toldRecent: place.recent });
      send(ws, matchFrame(MatchType.queueJoined, placePayload(place)));
      // A newcomer joins at the back and moves nobody, but silent waiters evicted on the way may have.
      this.#lineMoved();
      // Kept apart from a recent partner who waits too: the alarm matches them when that runs out.
      const release = line.reduce(
        (soonest, entry) => Math.min(soonest, recent.get(entry.waiting.session) ?? Number.POSITIVE_INFINITY),
        Number.POSITIVE_INFINITY,
      );
      await this.#wantAlarmBy(Math.min(now + this.#config.idleTimeoutMs, release));
      return;
    }
    await this.#pair(partnerEntry, { ws, seeker, waiting: me }, secret, now);
  }

  /**
   * Takes two people out of the line into a fresh private room, each with a
   * ticket and the other's name; `waited` was in line first, and keeps their
   * name if the two look alike.
   */
  async #pair(waited: Party, arrived: Party, secret: string, now: number): Promise<void> {
    const [them, me] = [waited.waiting, arrived.waiting];
    writeSeeker(waited.ws, outOfLine(waited.seeker));
    writeSeeker(arrived.ws, outOfLine(arrived.seeker));
    this.#recent.matched(me.session, them.session, now);
    this.#lineMoved();

    const room = `${PRIVATE_ROOM_PREFIX}${crypto.randomUUID().replaceAll("-", "")}`;
    const [first, second] = distinctNames(them.username, me.username);
    const exp = now + TICKET_TTL_MS;
    this.#matching.add(me.id).add(them.id);
    try {
      const [firstToken, secondToken] = await Promise.all([
        signTicket(secret, { room, username: first, session: them.session, exp }),
        signTicket(secret, { room, username: second, session: me.session, exp }),
      ]);
      send(waited.ws, matchFrame(MatchType.matchFound, { room, token: firstToken, partner: second }));
      send(arrived.ws, matchFrame(MatchType.matchFound, { room, token: secondToken, partner: first }));
    } finally {
      this.#matching.delete(me.id);
      this.#matching.delete(them.id);
    }
    console.log(JSON.stringify({ event: "match", room }));
  }

  #leaveQueue(ws: WebSocket, seeker: Seeker): void {
    if (!seeker.queued) {
      send(ws, matchFrame("error", { code: ErrorCode.notQueued, message: "not in the queue" }));
      return;
    }
    writeSeeker(ws, outOfLine(seeker));
    send(ws, matchFrame(MatchType.queueLeft, {}));
    this.#lineMoved();
  }

  /** Someone who disconnects while waiting leaves the queue at once. */
  #dequeue(ws: WebSocket): void {
    const seeker = readSeeker(ws);
    if (!seeker?.queued) return;
    writeSeeker(ws, outOfLine(seeker));
    this.#lineMoved();
  }

  /** As rooms do: a last `rate_limited`, out of the queue, close 4429. */
  #closeFlooder(ws: WebSocket, seeker: Seeker, retryAfterMs: number): void {
    const error = { code: ErrorCode.rateLimited, message: "too many frames; disconnected", retryAfterMs };
    send(ws, matchFrame("error", error));
    writeSeeker(ws, outOfLine(seeker));
    close(ws, CloseCode.flooding, "flooding");
    console.log(JSON.stringify({ event: "match_rate_limit_close", username: seeker.username }));
    if (seeker.queued) this.#lineMoved();
  }

  /**
   * Everyone who may be matched now: waiting, on an open socket (a closing
   * one is still listed by the runtime), and heard from within the idle
   * timeout, a frame or an answered heartbeat. Anyone silent for longer is
   * evicted here, so nobody is matched with a connection that is gone. The
   * caller tells the line it moved.
   */
  #line(now: number): InLine[] {
    const out: InLine[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const seeker = readSeeker(ws);
      if (!seeker?.queued) continue;
      const deadline = lastActive(seeker, this.ctx.getWebSocketAutoResponseTimestamp(ws)) + this.#config.idleTimeoutMs;
      if (deadline <= now) {
        this.#evictIdle(ws, seeker);
        continue;
      }
      const waiting = { id: seeker.id, username: seeker.username, session: seeker.session, ...seeker.queued };
      out.push({ ws, seeker, waiting, deadline });
    }
    return out;
  }

  #evictIdle(ws: WebSocket, seeker: Seeker): void {
    writeSeeker(ws, outOfLine(seeker));
    const seconds = Math.round(this.#config.idleTimeoutMs / 1000);
    close(ws, CloseCode.idle, `idle: nothing received for ${seconds} s; send ping to stay in the queue`);
    console.log(JSON.stringify({ event: "match_idle", username: seeker.username }));
  }

  /**
   * The line changed: tell those whose place moved, once the interval is up.
   * Everything a broadcast needs is in the attachments, so a broadcast lost
   * to an eviction from memory is made up by the next change or alarm.
   */
  #lineMoved(): void {
    if (this.#positionTimer !== undefined) return;
    this.#positionTimer = setTimeout(() => {
      this.#positionTimer = undefined;
      this.#announcePositions();
    }, POSITION_INTERVAL_MS);
  }

  #announcePositions(): void {
    const now = Date.now();
    const line = this.#line(now);
    const byId = new Map(line.map((entry) => [entry.waiting.id, entry]));
    const waiting = line.map((entry) => entry.waiting);
    // Everyone's recent partners among those waiting, read at once: the line moves often.
    const partners = this.#recent.among(
      waiting.map((w) => w.session),
      now,
    );
    const perSession = new Map<string, number>();
    for (const w of waiting) perSession.set(w.session, (perSession.get(w.session) ?? 0) + 1);
    // Counted through each person's few partners, not by scanning the line for each person.
    const recentFor = (w: Waiting) => {
      let count = 0;
      for (const partner of partners.get(w.session) ?? []) count += perSession.get(partner) ?? 0;
      return count;
    };
    const updates = positionUpdates(
      waiting,
      (id) => {
        const seeker = byId.get(id)?.seeker;
        return { position: seeker?.told ?? 0, recent: seeker?.toldRecent ?? 0 };
      },
      recentFor,
    );
    for (const { id, ...place } of updates) {
      const entry = byId.get(id);
      if (!entry) continue;
      writeSeeker(entry.ws, { ...entry.seeker, told: place.position, toldRecent: place.recent });
      send(entry.ws, matchFrame(MatchType.queueJoined, placePayload(place)));
    }
  }

  /**
   * One alarm serves every waiting socket: set for the earliest moment one
   * could have gone silent. A deadline only moves later with activity, so an
   * alarm already set is early enough; a newcomer's is never earlier than
   * those already waiting, so it only sets an alarm when none is set.
   */
  async #wantAlarmBy(at: number): Promise<void> {
    if (this.#alarm === undefined) this.#alarm = await this.ctx.storage.getAlarm();
    if (this.#alarm !== null && this.#alarm <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.#alarm = at;
  }
}

function send(ws: WebSocket, frame: MatchServerFrame | ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // Closed meanwhile; its close handler takes it out of the queue.
  }
}

function close(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Closed already.
  }
}

/** More than `maxBytes` in UTF-8. A frame too short to be over (3 bytes a code unit at most) is not encoded. */
function tooLarge(text: string, maxBytes: number): boolean {
  return text.length * 3 > maxBytes && new TextEncoder().encode(text).byteLength > maxBytes;
}
