import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { refusedSocket } from "../http/refused-socket";
import {
  anonymousName,
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
} from "../protocol";
import { answerCode } from "../room/connections";
import { distinctNames, findPartner, positionOf, type Waiting } from "./queue";
import { DEVELOPMENT_SECRET } from "./secret";
import { signTicket, TICKET_TTL_MS } from "./ticket";

/** What each matchmaker socket carries across hibernation. */
interface Seeker {
  id: string;
  username: string;
  session: string;
  /** Set while in the queue. */
  queued: { tags: string[]; wants: string[]; since: number } | null;
}

function readSeeker(ws: WebSocket): Seeker | null {
  const value: unknown = ws.deserializeAttachment();
  return typeof value === "object" && value !== null && "id" in value && "queued" in value ? (value as Seeker) : null;
}

/**
 * The stranger matchmaker: one object holds the queue. Who is waiting, with
 * their tags, lives in each socket's attachment, so the queue survives
 * hibernation; a socket that closes leaves the queue at once.
 */
export class Matchmaker extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const requested = url.searchParams.get("username")?.trim() ?? "";
    const session = url.searchParams.get("session");
    const name =
      requested === "" ? { ok: true as const, username: anonymousName(Date.now()) } : checkUsername(requested);
    if (!name.ok || (session !== null && !isSessionId(session))) {
      const error: ErrorPayload = name.ok
        ? { code: ErrorCode.badSession, message: "session must be 8-64 characters of A-Z a-z 0-9 _ -" }
        : { code: ErrorCode.badUsername, message: name.reason };
      return refusedSocket(error, CloseCode.badRequest);
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const seeker: Seeker = {
      id: crypto.randomUUID(),
      username: name.username,
      session: session ?? crypto.randomUUID().replaceAll("-", ""),
      queued: null,
    };
    server.serializeAttachment(seeker);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const seeker = readSeeker(ws);
    if (!seeker) return;
    const parsed = parseMatchFrame(message);
    if (!parsed.ok) return send(ws, matchFrame("error", parsed.error));
    if (parsed.frame.type === MatchType.leaveQueue) {
      if (!seeker.queued)
        return send(ws, matchFrame("error", { code: ErrorCode.notQueued, message: "not in the queue" }));
      ws.serializeAttachment({ ...seeker, queued: null });
      send(ws, matchFrame(MatchType.queueLeft, {}));
      return this.#announcePositions();
    }
    if (seeker.queued) {
      return send(ws, matchFrame("error", { code: ErrorCode.alreadyQueued, message: "already waiting for a match" }));
    }
    // The worker lets no one reach this object unless MATCH_SECRET is set or it runs locally.
    const secret = this.env.MATCH_SECRET || DEVELOPMENT_SECRET;
    const me: Waiting = {
      id: seeker.id,
      username: seeker.username,
      session: seeker.session,
      ...parsed.frame.payload,
      since: Date.now(),
    };
    const queue = this.#queue();
    const partner = findPartner(
      queue.map((q) => q.waiting),
      me,
    );
    if (!partner) {
      ws.serializeAttachment({ ...seeker, queued: { tags: me.tags, wants: me.wants, since: me.since } });
      return this.#announcePositions();
    }
    const partnerSocket = queue.find((q) => q.waiting.id === partner.id)?.ws;
    const partnerSeeker = partnerSocket ? readSeeker(partnerSocket) : null;
    if (!partnerSocket || !partnerSeeker) return;
    partnerSocket.serializeAttachment({ ...partnerSeeker, queued: null });

    const room = `${PRIVATE_ROOM_PREFIX}${crypto.randomUUID().replaceAll("-", "")}`;
    const [first, second] = distinctNames(partner.username, me.username);
    const exp = Date.now() + TICKET_TTL_MS;
    const [firstToken, secondToken] = await Promise.all([
      signTicket(secret, { room, username: first, session: partner.session, exp }),
      signTicket(secret, { room, username: second, session: me.session, exp }),
    ]);
    send(partnerSocket, matchFrame(MatchType.matchFound, { room, token: firstToken, partner: second }));
    send(ws, matchFrame(MatchType.matchFound, { room, token: secondToken, partner: first }));
    console.log(JSON.stringify({ event: "match", room }));
    this.#announcePositions();
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    if (ws.readyState !== WebSocket.CLOSED) {
      try {
        ws.close(answerCode(code), reason.slice(0, 120));
      } catch {
        // Already closed.
      }
    }
    this.#leave(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#leave(ws);
  }

  /** Someone who disconnects while waiting leaves the queue at once. */
  #leave(ws: WebSocket): void {
    const seeker = readSeeker(ws);
    if (!seeker?.queued) return;
    ws.serializeAttachment({ ...seeker, queued: null });
    this.#announcePositions();
  }

  /** Open sockets whose owner is waiting, with what they asked for. */
  #queue(): { ws: WebSocket; waiting: Waiting }[] {
    const out: { ws: WebSocket; waiting: Waiting }[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const seeker = readSeeker(ws);
      if (!seeker?.queued) continue;
      out.push({
        ws,
        waiting: { id: seeker.id, username: seeker.username, session: seeker.session, ...seeker.queued },
      });
    }
    return out;
  }

  /** Tells everyone waiting where they stand. */
  #announcePositions(): void {
    const queue = this.#queue();
    const waiting = queue.map((q) => q.waiting);
    for (const { ws, waiting: w } of queue) send(ws, matchFrame(MatchType.queueJoined, positionOf(waiting, w.id)));
  }
}

function send(ws: WebSocket, frame: MatchServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // Closed meanwhile; its close handler takes it out of the queue.
  }
}
