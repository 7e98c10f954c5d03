import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { CloseCode, conversationRoom } from "../../protocol";
import { accountLimits } from "../core/account-limits";
import { type Claimant, claimKeys } from "../core/claims";
import { checkStart } from "../core/conversation-starts";
import { type Credential, counterAdvances } from "../core/credentials";
import { randomHex } from "../core/random";
import {
  type ListedSession,
  NEVER,
  newSecret,
  SESSION_TTL_MS,
  type SessionKind,
  secretHash,
  slidExpiry,
} from "../core/sessions";
import { HOME_SESSION_HEADER } from "../home-door";
import type { ListingSlot } from "../listing-slots";
import { AccountStore } from "../store/account-store";
import { ConversationStartStore } from "../store/conversation-starts";
import {
  type ConversationMove,
  HomeStore,
  JOINED_ROOMS_MAX,
  type ListedConversation,
  wireConversation,
} from "../store/home-store";
import { ListingStore } from "../store/listings";
import { HomeSockets } from "./home-sockets";

/** Passkeys one account may hold: one per device is the use, and the list must stay short. */
export const CREDENTIALS_MAX = 20;
/** Sessions of each kind one account may hold; one more ends the oldest of its kind. */
export const SESSIONS_MAX: Readonly<Record<SessionKind, number>> = { browser: 100, terminal: 20, token: 20 };
/** Rooms an account remembers joining, most recent first: those told when its sessions end. */
export const ROOMS_MAX = 100;
/** A link for another device lasts this long, and opens once. */
export const LINK_TTL_MS = 10 * 60 * 1000;
/** Links open at once per account; one more closes the oldest. */
export const LINKS_MAX = 5;
/** Wrong device codes an account may type in `DEVICE_TRIES_WINDOW_MS` before it must wait. */
export const DEVICE_TRIES_MAX = 5;
export const DEVICE_TRIES_WINDOW_MS = 10 * 60 * 1000;

/** What `GET /api/me` says about an account. */
export interface AccountView {
  name: string;
  createdAt: number;
  devices: number;
}

/** A session the worker resolved: who, and whether its expiry moved (so the cookie is rewritten). */
export interface ResolvedSession {
  accountId: string;
  name: string;
  /** The session's public id: a room keeps it with each connection, so ending the session ends them. */
  sessionId: string;
  kind: SessionKind;
  /** The new expiry, when the session slid forward on this use. */
  renewedUntil?: number;
}

/** A new session: its secret (shown once) and its public id. */
export interface Opened {
  secret: string;
  id: string;
}

export type SignInResult =
  | { ok: true; secret: string; account: AccountView }
  | { ok: false; reason: "unknown_credential" | "counter_regressed" };

/** Whether a conversation may be opened: refused once the account started as many as it may this hour. */
export type ConversationOpening = { ok: true } | { ok: false; max: number; retryAfterMs: number };

interface Tries {
  count: number;
  since: number;
}

/**
 * One account, named by the first key of its claimed name (see `claimKeys`).
 * A single-threaded home for the account's passkeys and sessions: claiming a
 * free name, adding a device, and signing in each happen in one step here, so
 * two people claiming one name at once cannot both win, and a link for
 * another device opens once.
 */
export class Account extends DurableObject<Env> {
  readonly #store: AccountStore;
  readonly #home: HomeStore;
  readonly #sockets: HomeSockets;
  readonly #listings: ListingStore;
  readonly #starts: ConversationStartStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new AccountStore(ctx.storage.sql);
    this.#home = new HomeStore(ctx.storage.sql);
    this.#listings = new ListingStore(ctx.storage.sql);
    this.#starts = new ConversationStartStore(ctx.storage.sql);
    this.#sockets = new HomeSockets(ctx);
    // Devices' heartbeats are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * A device's socket (`GET /api/me/live`, forwarded by the worker once the
   * session checked out, its id in `HOME_SESSION_HEADER`): told everything
   * at once, then each change.
   */
  override async fetch(request: Request): Promise<Response> {
    const session = request.headers.get(HOME_SESSION_HEADER);
    if (session === null || !this.#account() || request.headers.get("Upgrade") !== "websocket") {
      return new Response(null, { status: 400 });
    }
    const home = { rooms: this.#home.joined(), conversations: this.#home.conversations().map(wireConversation) };
    return this.#sockets.open(session, Date.now(), { type: "home", payload: home });
  }

  override async webSocketMessage(): Promise<void> {
    // Devices only listen; heartbeats are answered by the runtime.
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  /** The conversation with `peer` moved, as its room tells both of its accounts; `self` must be this account. */
  async conversationMoved(self: string, peer: Claimant, move: ConversationMove): Promise<void> {
    if (this.#account()?.accountId !== self) return;
    this.#home.moved(peer, move);
    this.#pushConversation(peer.accountId);
  }

  /** The account `peerId` was deleted: its conversation leaves this list, since its name may go to someone else. */
  async conversationGone(self: string, peerId: string): Promise<void> {
    if (this.#account()?.accountId !== self) return;
    const name = this.#home.forgetConversation(peerId);
    if (name !== null) this.#sockets.push({ type: "conversationGone", payload: { with: name } });
  }

  #pushConversation(peerId: string): void {
    const listed = this.#home.conversation(peerId);
    if (listed) this.#sockets.push({ type: "conversation", payload: wireConversation(listed) });
  }

  /**
   * The account opens its conversation with `peerId`: a start (see
   * `checkStart`) is counted, and refused past `NEW_CONVERSATIONS_PER_HOUR`.
   * A conversation with a message in it is never refused.
   */
  async openConversation(peerId: string, now: number): Promise<ConversationOpening> {
    if (!this.#account()) return { ok: true };
    const max = accountLimits(this.env).newConversationsPerHour;
    const known = (this.#home.conversation(peerId)?.lastId ?? 0) > 0;
    const check = checkStart(this.#starts.starts(), peerId, known, max, now);
    if (!check.ok) return check;
    if (check.record) this.#starts.add(peerId, now, max);
    return { ok: true };
  }

  /**
   * A room this account owns asks for a place in the directory. Kept when the
   * room has one already or one is free; at the limit, the rooms holding
   * places are asked first whether they are still listed by this account, so
   * a place given back but never told (a room that failed midway) is not lost.
   */
  async reserveListing(self: string, room: string): Promise<ListingSlot> {
    if (this.#account()?.accountId !== self) return { kind: "gone" };
    const max = accountLimits(this.env).listingsPerAccount;
    if (this.#listings.has(room)) return { kind: "kept" };
    if (this.#listings.count() >= max) {
      // Nothing else runs meanwhile: a place freed here is not also taken by a listing that arrived during the asking.
      await this.ctx.blockConcurrencyWhile(() => this.#releaseUnlisted(self));
    }
    // Checked and taken in one step, with no await between: two rooms cannot both take the last place.
    if (this.#listings.count() >= max) return { kind: "full", max };
    this.#listings.add(room, Date.now());
    return { kind: "kept" };
  }

  /** A room this account listed was unlisted: its place is free. */
  async releaseListing(self: string, room: string): Promise<void> {
    if (this.#account()?.accountId !== self) return;
    this.#listings.remove(room);
  }

  /** Gives back the places of rooms that say they are not listed by this account (those that cannot answer keep theirs). */
  async #releaseUnlisted(self: string): Promise<void> {
    const rooms = this.#listings.rooms();
    const answers = await Promise.allSettled(rooms.map((room) => this.env.CHAT_ROOM.getByName(room).listedBy()));
    answers.forEach((answer, i) => {
      const room = rooms[i];
      if (room !== undefined && answer.status === "fulfilled" && answer.value !== self) this.#listings.remove(room);
    });
  }

  /** This account's conversations, the newest first. */
  async conversations(): Promise<ListedConversation[]> {
    return this.#account() ? this.#home.conversations() : [];
  }

  /** This account read its conversation with `peerId` up to message `upTo`. */
  async readConversation(peerId: string, upTo: number): Promise<void> {
    if (!this.#account()) return;
    this.#home.read(peerId, upTo);
    this.#pushConversation(peerId);
  }

  /** This account blocks `peer`, or stops. */
  async blockPeer(peer: Claimant, on: boolean, now: number): Promise<void> {
    if (!this.#account()) return;
    this.#home.block(peer, on, now);
    this.#pushConversation(peer.accountId);
  }

  /** The rooms this account keeps joined, on every device. */
  async joinedRooms(): Promise<string[]> {
    return this.#account() ? this.#home.joined() : [];
  }

  async setJoinedRooms(rooms: readonly string[]): Promise<void> {
    if (!this.#account()) return;
    this.#home.setJoined(rooms.slice(0, JOINED_ROOMS_MAX));
    this.#sockets.push({ type: "rooms", payload: { rooms: this.#home.joined() } });
  }

  /** Who holds this key, if anyone: what a join with a name looks up. */
  async claimant(): Promise<Claimant | null> {
    const held = this.#store.claimant();
    return held ? { accountId: held.accountId, name: held.name } : null;
  }

  /**
   * Makes the account on a free key, with its first passkey and a browser
   * session. Null when the key is held (someone claimed it first).
   */
  async create(
    name: string,
    credential: Credential,
    now: number,
  ): Promise<{ secret: string; accountId: string } | null> {
    // Hashed before the check: an await between checking and writing would let another claim in.
    const secret = newSecret();
    const hash = await secretHash(secret);
    if (this.#store.claimant()) return null;
    // The public id: chosen at random when the account is made, never reused.
    const accountId = randomHex(10);
    this.ctx.storage.transactionSync(() => {
      this.#store.create({ accountId, name }, now, null);
      this.#store.addCredential(credential);
      this.#addSession(hash, "browser", "browser", now);
    });
    return { secret, accountId };
  }

  /** Points this look-alike key at an account; false when the key is held already. */
  async reserveAlias(claimant: Claimant, primary: string, now: number): Promise<boolean> {
    const held = this.#store.claimant();
    if (held) return held.accountId === claimant.accountId;
    this.#store.create(claimant, now, primary);
    return true;
  }

  /** Frees a look-alike key, if it still points at this account. */
  async releaseAlias(accountId: string): Promise<void> {
    const held = this.#store.claimant();
    if (held?.aliasOf !== null && held?.accountId === accountId) await this.#wipe();
  }

  /** A passkey of this account, for the worker to check a signature with. */
  async credential(id: string): Promise<Credential | null> {
    return this.#account() ? this.#store.credential(id) : null;
  }

  /**
   * A signature by `credentialId` checked out with counter `counter`: a new
   * session, unless the counter went back (a copied key), which is refused.
   */
  async signIn(credentialId: string, counter: number, now: number): Promise<SignInResult> {
    const secret = newSecret();
    const hash = await secretHash(secret);
    const held = this.#account();
    const credential = this.#store.credential(credentialId);
    if (!held || !credential) return { ok: false, reason: "unknown_credential" };
    if (!counterAdvances(credential.counter, counter)) {
      console.log(
        JSON.stringify({ event: "counter_regressed", account: held.accountId, stored: credential.counter, counter }),
      );
      return { ok: false, reason: "counter_regressed" };
    }
    this.ctx.storage.transactionSync(() => {
      this.#store.credentialUsed(credentialId, counter, now);
      this.#addSession(hash, "browser", "browser", now);
    });
    return { ok: true, secret, account: this.#view(held) };
  }

  /**
   * The account a session secret opens, sliding its expiry; null when it opens
   * none (ended, expired, wrong). `room`: the session is joining it (a room
   * by name, or the conversation with the account `peer`), so the room is
   * told if the account's sessions end.
   */
  async resolve(secret: string, now: number, room?: string | { peer: string }): Promise<ResolvedSession | null> {
    const hash = await secretHash(secret);
    const held = this.#account();
    if (!held) return null;
    const session = this.#store.session(hash);
    if (session === null) return null;
    if (session.expiresAt <= now) {
      this.#store.endSession(hash);
      return null;
    }
    if (room !== undefined) {
      const joined = typeof room === "string" ? room : conversationRoom(held.accountId, room.peer);
      this.#store.visited(joined, session.id, now, ROOMS_MAX);
    }
    const renewed = session.kind === "token" ? null : slidExpiry(session.expiresAt, now);
    // A use is noted as often as the expiry slides, and for a script's token (listed with when it was last used) each time.
    if (renewed !== null || session.kind === "token") this.#store.sessionUsed(hash, renewed ?? session.expiresAt, now);
    const resolved: ResolvedSession = {
      accountId: held.accountId,
      name: held.name,
      sessionId: session.id,
      kind: session.kind,
    };
    return renewed === null ? resolved : { ...resolved, renewedUntil: renewed };
  }

  /** A new session of this account for a terminal (the device flow) or a script; null when there is no account. */
  async openSession(kind: "terminal" | "token", label: string, now: number): Promise<Opened | null> {
    const secret = newSecret();
    const hash = await secretHash(secret);
    if (!this.#account()) return null;
    const id = this.#addSession(hash, kind, label, now);
    return { secret, id };
  }

  /** The terminals and scripts this account has let in. */
  async listTokens(): Promise<ListedSession[]> {
    return this.#account() ? this.#store.sessionsOf(["terminal", "token"]) : [];
  }

  /** Ends a terminal's or a script's session by its id, and its connections in rooms; false when it has none such. */
  async revokeToken(id: string): Promise<boolean> {
    const held = this.#account();
    if (!held || !this.#store.endSessionById(id, ["terminal", "token"])) return false;
    await this.#endInRooms(held.accountId, id);
    return true;
  }

  /** A link for another device: its secret, opened once within `LINK_TTL_MS`. */
  async createLink(now: number): Promise<{ secret: string; expiresAt: number } | null> {
    const secret = newSecret();
    const hash = await secretHash(secret);
    if (!this.#account()) return null;
    const expiresAt = now + LINK_TTL_MS;
    this.#store.addLink(hash, expiresAt, LINKS_MAX);
    return { secret, expiresAt };
  }

  /** The account's name, when this link is still open; null when it is not (used, expired, or never made). */
  async linkName(secret: string, now: number): Promise<string | null> {
    const hash = await secretHash(secret);
    const held = this.#account();
    return held && this.#store.linkOpen(hash, now) ? held.name : null;
  }

  /**
   * Uses a link: the new device's passkey joins the account and the device gets
   * a session, in one step, so a link opens once. Null when the link is not open
   * (or the account has all the passkeys it may).
   */
  async useLink(secret: string, credential: Credential, now: number): Promise<{ secret: string } | null> {
    const linkHash = await secretHash(secret);
    const session = newSecret();
    const hash = await secretHash(session);
    if (!this.#account() || !this.#store.linkOpen(linkHash, now)) return null;
    if (this.#store.credentialCount() >= CREDENTIALS_MAX || this.#store.credential(credential.id)) return null;
    this.ctx.storage.transactionSync(() => {
      this.#store.endLink(linkHash);
      this.#store.addCredential(credential);
      this.#addSession(hash, "browser", "browser", now);
    });
    return { secret: session };
  }

  /**
   * Counts a wrong device code typed by this account; false once it typed
   * `DEVICE_TRIES_MAX` of them within the window, when it must wait.
   */
  async wrongDeviceCode(now: number): Promise<boolean> {
    const tries = this.#tries(now);
    if (tries.count >= DEVICE_TRIES_MAX) return false;
    this.ctx.storage.kv.put("deviceTries", { count: tries.count + 1, since: tries.since });
    return true;
  }

  /** Whether this account may try another device code now. */
  async mayTryDeviceCode(now: number): Promise<boolean> {
    return this.#tries(now).count < DEVICE_TRIES_MAX;
  }

  async view(): Promise<AccountView | null> {
    const held = this.#account();
    return held ? this.#view(held) : null;
  }

  /** Ends one session (this browser, or this terminal's token), and its connections in rooms. */
  async signOut(secret: string): Promise<void> {
    const hash = await secretHash(secret);
    const held = this.#account();
    const session = this.#store.session(hash);
    if (!held || session === null) return;
    this.#store.endSession(hash);
    await this.#endInRooms(held.accountId, session.id);
  }

  /** Ends every session (browsers, terminals, scripts), and every room the account is in lets it go at once. */
  async signOutEverywhere(): Promise<void> {
    const held = this.#account();
    if (!held) return;
    this.#store.endAllSessions();
    await this.#tellRooms(held.accountId, this.#store.rooms(), null);
  }

  /**
   * Deletes the account: its passkeys and sessions go, and the name is free.
   * The people it talked with let their conversation with it go, so the name,
   * once someone else claims it, leads none of them there. Returns the
   * account's id and name.
   */
  async remove(): Promise<Claimant | null> {
    const held = this.#account();
    if (!held) return null;
    // The rooms it listed leave the directory with it, even those it joined too long ago to be remembered as joined.
    const peers = this.#home.conversations().map((c) => c.with);
    // Its conversations end for the other person too, opened from here lately or not.
    const talks = peers.map((peer) => conversationRoom(held.accountId, peer.accountId));
    const rooms = [...new Set([...this.#store.rooms(), ...this.#listings.rooms(), ...talks])];
    await this.#wipe();
    await this.#tellRooms(held.accountId, rooms, { name: held.name });
    const told = await Promise.allSettled(
      peers.map((peer) =>
        this.env.ACCOUNT.getByName(claimKeys(peer.name).primary).conversationGone(peer.accountId, held.accountId),
      ),
    );
    const failed = told.filter((t) => t.status === "rejected").length;
    if (failed > 0) console.log(JSON.stringify({ event: "conversations_untold", account: held.accountId, failed }));
    return { accountId: held.accountId, name: held.name };
  }

  /** The rooms the account was in let it go; a room that cannot be reached now is logged. */
  async #tellRooms(accountId: string, rooms: readonly string[], deleted: { name: string } | null): Promise<void> {
    this.#sockets.close(CloseCode.signedOut, "signed out");
    const told = await Promise.allSettled(
      rooms.map((room) => this.env.CHAT_ROOM.getByName(room).accountEnded(accountId, deleted)),
    );
    const failed = told.filter((t) => t.status === "rejected").length;
    if (failed > 0) console.log(JSON.stringify({ event: "account_rooms_untold", account: accountId, failed }));
  }

  /** The rooms one session joined close its connections there; the account's other devices stay. */
  async #endInRooms(accountId: string, sessionId: string): Promise<void> {
    this.#sockets.close(CloseCode.signedOut, "signed out", sessionId);
    const rooms = this.#store.roomsOf(sessionId);
    const told = await Promise.allSettled(
      rooms.map((room) => this.env.CHAT_ROOM.getByName(room).sessionEnded(accountId, sessionId)),
    );
    const failed = told.filter((t) => t.status === "rejected").length;
    if (failed > 0) console.log(JSON.stringify({ event: "session_rooms_untold", account: accountId, failed }));
  }

  async #wipe(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.#store.forget();
    this.#home.forget();
    this.#listings.forget();
    this.#starts.forget();
  }

  /** Adds a session of `kind`; returns its public id. */
  #addSession(hash: string, kind: SessionKind, label: string, now: number): string {
    const id = randomHex(8);
    this.#store.endExpiredSessions(now);
    const expiresAt = kind === "token" ? NEVER : now + SESSION_TTL_MS;
    this.#store.addSession({ id, kind, label, createdAt: now, expiresAt }, hash);
    this.#store.keepNewestSessions(kind, SESSIONS_MAX[kind]);
    return id;
  }

  #tries(now: number): Tries {
    const tries = this.ctx.storage.kv.get<Tries>("deviceTries");
    return tries && now - tries.since < DEVICE_TRIES_WINDOW_MS ? tries : { count: 0, since: now };
  }

  #account() {
    const held = this.#store.claimant();
    return held && held.aliasOf === null ? held : null;
  }

  #view(held: { name: string; createdAt: number }): AccountView {
    return { name: held.name, createdAt: held.createdAt, devices: this.#store.credentialCount() };
  }
}
