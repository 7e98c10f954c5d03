import { type ClaimLookup, NOTHING_CLAIMED } from "../../account/claim-lookup";
import { type ConversationInbox, NO_INBOX } from "../../account/conversation-inbox";
import { type ListingSlots, UNBOUNDED_LISTINGS } from "../../account/listing-slots";
import type { ObjectState } from "../../platform/object-state";
import { answerCode, type HeldSocket } from "../../platform/sockets";
import { conversationParties, type HistoryFrame, listRequested, nickRequested, type ServerFrame } from "../../protocol";
import { accountOf } from "../../worker/account-door";
import { PRIVATE_HEADER } from "../../worker/private-rooms";
import type { RoomConfig } from "../config";
import type { ClaimCheck, ListingCheck } from "../core";
import {
  accountEnded,
  conversationEnded,
  disconnect,
  expire,
  isListed,
  type LogEntry,
  type Member,
  type RoomContext,
  type RoomState,
  receive,
  type SlotRefusal,
  sessionEnded,
  takeSlot,
  takeToken,
  type UploadSlot,
} from "../core";
import { unseen, unseenBy } from "../core/conversation";
import { accountIdOf } from "../core/ownership";
import { ShardFanOut } from "../shards/fan-out";
import { placeOn, shardCount } from "../shards/plan";
import { type RemoteSocket, RemoteSockets } from "../shards/remote-sockets";
import type { ForwardAnswer, FromShard, RemoteEntry, ShardLink } from "../shards/traffic";
import { BanStore } from "../store/bans";
import { ConversationStore } from "../store/conversation";
import { HistoryStore } from "../store/history";
import { MemberStore } from "../store/members";
import { RoleStore } from "../store/roles";
import { RoomSettingsStore } from "../store/room-settings";
import { SentStore } from "../store/sent";
import { Sequencer } from "../store/sequencer";
import { type StoredFile, UploadStore } from "../store/uploads";
import { Admission } from "./admission";
import { AlarmSchedule } from "./alarm-schedule";
import { readAttachment, writeAttachment } from "./attachment";
import { accountAuthor } from "./author-id";
import { type DirectoryLink, DirectoryReports, NO_DIRECTORY } from "./directory-reports";
import { EffectInterpreter } from "./effect-interpreter";
import { type FileBin, NO_FILES } from "./file-bin";
import { FileLinks } from "./file-links";
import { FlushSchedule } from "./flush-schedule";
import { Members } from "./members";
import { PrivacyMarker } from "./privacy";
import { PrivateWipe } from "./private-wipe";
import { type HistoryQuery, RoomQueries } from "./queries";
import { roomContext } from "./room-context";

/** How long a joiner sent on to a shard counts towards the room's size before its shard knocks. */
const PLACING_MS = 10_000;

/**
 * How long a room waits for the accounts to say whether a name is claimed, or
 * whether an owner may list one more room; past it, the rename or the listing is refused for now.
 */
const CLAIM_LOOKUP_MS = 5000;

/**
 * The room's parts wired together, and what each platform hook does with
 * them. Each event (join, frame, close, error, alarm) becomes one call into
 * the pure core (`../core`), and the `EffectInterpreter` performs the effects
 * it returns. Everything that must outlive hibernation is in the sockets'
 * attachments, in SQLite, or in the alarm; the rest is caches (`Members`).
 * Nothing here needs workerd to load, so the same wiring runs in Node's tests.
 */
export class Room {
  readonly members: Members;
  readonly flush: FlushSchedule;
  readonly admission: Admission;
  readonly queries: RoomQueries;
  readonly #name: () => string;
  readonly #ctx: ObjectState;
  readonly #ids: Sequencer;
  readonly #history: HistoryStore;
  readonly #roles: RoleStore;
  readonly #conversation: ConversationStore;
  readonly #uploads: UploadStore;
  readonly #alarms: AlarmSchedule;
  readonly #privacy: PrivacyMarker;
  readonly #wipe: PrivateWipe;
  readonly #context: RoomContext;
  readonly #interpreter: EffectInterpreter;
  readonly #links: FileLinks;
  readonly #config: RoomConfig;
  readonly #claims: ClaimLookup;
  readonly #reports: DirectoryReports;
  /** While a `/nick` is read: the name it asks for and what the accounts said of it (see `RoomContext.claimed`). */
  #claimedNow: { name: string; claim: ClaimCheck } | null = null;
  readonly #listings: ListingSlots;
  /** While an owner's `/list` is read: what the owner's account said (see `RoomContext.listingSlot`). */
  #listingNow: ListingCheck | null = null;
  /** The sockets the room's fan-out shards hold, and the links to those shards. */
  readonly #remote: RemoteSockets;
  readonly #fanOut: ShardFanOut;
  readonly #shardLink: ((shard: number) => ShardLink) | null;
  /** How many shards new joiners are spread over (1: all on this object), as stored. */
  #shards: number | undefined;
  /**
   * When each joiner sent on to a shard was placed, until its shard knocks
   * (or `PLACING_MS` passes): a join storm counts them before they are in, so
   * the room grows in one step rather than behind the crowd.
   */
  #placing: number[] = [];

  /**
   * `name`: the room's name, as the platform knows it. `claims`: who holds a
   * name's claim, asked when an anonymous member's `/nick` asks for a name.
   * `directory`: where a listed room reports its entry. `listings`: the
   * owners' accounts, which give each listing its place. `bin`: where the
   * room's files are, for deleting them. `shards`: the link to each fan-out
   * shard by its number; null where the room is one object whatever its size.
   */
  constructor(
    ctx: ObjectState,
    config: RoomConfig,
    name: () => string,
    claims: ClaimLookup = NOTHING_CLAIMED,
    directory: DirectoryLink = NO_DIRECTORY,
    inbox: ConversationInbox = NO_INBOX,
    listings: ListingSlots = UNBOUNDED_LISTINGS,
    bin: FileBin = NO_FILES,
    shards: ((shard: number) => ShardLink) | null = null,
  ) {
    const { storage } = ctx;
    this.#shardLink = shards;
    this.#ctx = ctx;
    this.#config = config;
    this.#claims = claims;
    this.#listings = listings;
    const ids = new Sequencer(storage.sql);
    const bans = new BanStore(storage.sql);
    const roles = new RoleStore(storage.sql);
    const settings = new RoomSettingsStore(storage.sql);
    const sent = new SentStore(storage.sql);
    const stored = new MemberStore(storage.sql);
    const conversation = new ConversationStore(storage.sql);
    const uploads = new UploadStore(storage.sql);
    // A pruned message's files go with it.
    const history = new HistoryStore(storage.sql, ids, config.historyMaxMessages, (oldest) =>
      uploads.pruneBefore(oldest),
    );
    const log = (entry: LogEntry) => this.flush.log(this.#name(), entry);
    this.#name = name;
    this.#ids = ids;
    this.#history = history;
    this.#roles = roles;
    this.#conversation = conversation;
    this.#uploads = uploads;
    this.#alarms = new AlarmSchedule(storage);
    this.#privacy = new PrivacyMarker(storage.kv);
    // A room whose history is not public gives signed addresses for its files. The name never
    // changes in an object's life: whether it is a conversation is read once, not at every replay.
    let conversationRoom: boolean | undefined;
    const links = new FileLinks(storage.kv, name, () => {
      conversationRoom ??= conversationParties(name()) !== null;
      return conversationRoom || this.#privacy.get() !== null;
    });
    this.#links = links;
    this.#fanOut = new ShardFanOut(
      storage.kv,
      (shard) => this.#linkTo(shard),
      log,
      (conns) => void this.#lost(conns),
    );
    this.#remote = new RemoteSockets(
      storage.sql,
      (shard, op) => this.#fanOut.op(shard, op),
      (shards) => {
        for (const shard of shards) this.#fanOut.greet(shard);
      },
    );
    this.members = new Members(ctx, stored, config, this.#alarms, log, this.#remote);
    this.flush = new FlushSchedule(this.members, stored, { fanOut: this.#fanOut, remote: this.#remote });
    this.#wipe = new PrivateWipe(
      storage,
      { ids, history, sent, members: stored, bans, roles, uploads, links },
      this.#privacy,
      this.#alarms,
      this.flush,
      log,
      () => bin.deleteAll(name()),
    );
    this.#context = roomContext(
      config,
      { bans, history, ids, sent, roles, conversation, settings, uploads, links },
      this.#privacy,
      this.members,
      () => this.#claimedNow,
      name,
      () => this.#listingNow,
    );
    this.#interpreter = new EffectInterpreter({
      storage,
      config,
      ids,
      history,
      sent,
      stored,
      bans,
      roles,
      settings,
      members: this.members,
      flush: this.flush,
      alarms: this.#alarms,
      privacy: this.#privacy,
      wipe: this.#wipe,
      conversation,
      inbox,
      listings,
      uploads,
      bin,
      links,
    });
    this.admission = new Admission({
      ctx,
      config,
      context: this.#context,
      members: this.members,
      flush: this.flush,
      privacy: this.#privacy,
      conversation,
      interpreter: this.#interpreter,
      state: (room) => this.#state(room),
      keepCounters: (session, conn) => this.#keepCounters(session, conn),
      settle: () => this.#settle(),
    });
    this.queries = new RoomQueries(this.members, history);
    const context = this.#context;
    this.#reports = new DirectoryReports(
      storage.kv,
      this.#alarms,
      directory,
      config.directoryReportMs,
      () =>
        isListed(context)
          ? {
              room: this.#name(),
              topic: settings.get().topic,
              userCount: this.members.get().roster.size,
              lastMessageAt: history.lastMessageAt(),
            }
          : null,
      log,
    );
  }

  /** A frame on a member's socket. */
  async message(ws: HeldSocket, message: string | ArrayBuffer): Promise<void> {
    const { ids, sockets, seen, roster } = this.members.get();
    const conn = ids.get(ws);
    // Not a member (any more): refused, or already let go and still closing.
    if (conn === undefined || !sockets.has(conn)) return;
    const asked = this.#nickAsked(roster.byConn(conn), message);
    const owner = this.#listingAsked(roster.byConn(conn), message);
    // Rare (a rename, a listing), and it must not let this socket's next frames overtake it: nothing else runs meanwhile.
    const claim = asked === null ? null : await this.#ctx.blockConcurrencyWhile(() => this.#lookUp(asked));
    const slot = owner === null ? null : await this.#ctx.blockConcurrencyWhile(() => this.#reserve(owner));
    const now = Date.now();
    seen.set(conn, now);
    const session = roster.byConn(conn)?.session;
    const state = this.#state();
    this.#claimedNow = asked === null || claim === null ? null : { name: asked, claim };
    this.#listingNow = slot;
    try {
      this.#interpreter.perform(state.room, receive(state, this.#context, conn, message, now));
    } finally {
      this.#claimedNow = null;
      this.#listingNow = null;
    }
    if (session !== undefined) this.#keepCounters(session, conn);
    await this.#settle();
  }

  /**
   * The name an anonymous member's `/nick` asks for, if the rate limit would
   * let the frame through: a flood of renames is refused by the core without
   * a single lookup, so it can neither hold the room nor load the accounts.
   */
  #nickAsked(member: Member | undefined, message: string | ArrayBuffer): string | null {
    if (!member || member.verified) return null;
    const asked = nickRequested(message, this.#config.maxMessageLength);
    if (asked === null) return null;
    return this.#wouldPass(member) ? asked : null;
  }

  /** Whether the rate limit would let this member's next frame through: only then is a lookup worth making. */
  #wouldPass(member: Member): boolean {
    const limit = { burst: this.#config.rateLimitBurst, perSecond: this.#config.rateLimitPerSecond };
    return takeToken(member.bucket, limit, Date.now()).ok;
  }

  /**
   * The owner, when this is the owner's `/list` of a room not listed yet and
   * the rate limit would let it through: only then is the account asked.
   */
  #listingAsked(member: Member | undefined, message: string | ArrayBuffer): { accountId: string; name: string } | null {
    const accountId = member ? accountIdOf(member) : null;
    const owner = this.#context.roles()?.owner;
    if (!member || accountId === null || owner?.accountId !== accountId) return null;
    if (!listRequested(message, this.#config.maxMessageLength) || isListed(this.#context)) return null;
    return this.#wouldPass(member) ? owner : null;
  }

  /** Asks the owner's account for a place in the directory: never throws, and gives up after `CLAIM_LOOKUP_MS`. */
  async #reserve(owner: { accountId: string; name: string }): Promise<ListingCheck> {
    return withinLookup(
      this.#listings.reserve(owner, this.#name()).then(
        (slot): ListingCheck => (slot.kind === "gone" ? { kind: "unknown" } : slot),
        (): ListingCheck => ({ kind: "unknown" }),
      ),
      { kind: "unknown" },
    );
  }

  /** The account that keeps this room listed, while it is; null when it is not listed. */
  listedBy(): string | null {
    return isListed(this.#context) ? this.#context.settings().listedBy : null;
  }

  /** Asks the accounts whether a name is claimed: never throws, and gives up after `CLAIM_LOOKUP_MS`. */
  async #lookUp(name: string): Promise<ClaimCheck> {
    const asked = this.#claims(name).then(
      (claimant): ClaimCheck => (claimant === null ? "free" : "claimed"),
      (): ClaimCheck => "unknown",
    );
    return withinLookup(asked, "unknown");
  }

  /** The peer closed its socket. */
  async close(ws: HeldSocket, code: number, reason: string): Promise<void> {
    // Answer the peer's close so it sees a clean close rather than 1006.
    if (ws.readyState !== WebSocket.CLOSED) {
      try {
        ws.close(answerCode(code), reason.slice(0, 120));
      } catch {
        // Already closed from our side.
      }
    }
    await this.#depart(ws);
  }

  /** A socket failed. */
  async error(ws: HeldSocket, error: unknown): Promise<void> {
    const attachment = readAttachment(ws);
    this.flush.log(this.#name(), {
      event: "socket_error",
      username: attachment ? this.members.get().roster.get(attachment.session)?.username : undefined,
      message: String(error),
    });
    await this.#depart(ws);
  }

  /** Ends reconnect graces, evicts idle members, and sets the alarm for the next deadline, if anyone is left. */
  async alarm(): Promise<void> {
    // The alarm is rare: it reads the privacy marker from storage rather than trusting the copy.
    this.#privacy.reread();
    if (await this.#wipe.endMarker(() => this.members.get().roster.size === 0)) return;
    await this.#heartbeats();
    const state = this.#state();
    this.#interpreter.perform(state.room, expire(state, this.#context, Date.now()));
    if (this.#wipe.due) {
      await this.#wipe.run();
      return;
    }
    // Files a day unsent are marked to go; files marked to go (a deletion R2 refused, say) go now.
    this.#uploads.sweepUnsent(Date.now());
    this.#interpreter.purgeFiles(state.room);
    this.#alarms.filesDue(this.#uploads.nextDue(Date.now()));
    await this.#reports.run(Date.now());
    await this.#alarms.settleWake(Date.now());
  }

  /**
   * An account's sessions ended everywhere: its member leaves now. A deleted
   * account's mark also comes off what it left here; its text and name stay.
   */
  async accountEnded(accountId: string, deleted: { name: string } | null): Promise<void> {
    const state = this.#state();
    const now = Date.now();
    // A conversation with a deleted account ends for both: nobody is left to write to.
    const gone = deleted !== null && conversationParties(this.#name())?.includes(accountId) === true;
    const outcome = gone
      ? conversationEnded(state, this.#context, now)
      : accountEnded(state, this.#context, accountId, now);
    this.#interpreter.perform(state.room, outcome);
    if (gone) {
      // Nobody can open this conversation again: its files would be nobody's, so they go now.
      this.#uploads.detachAll();
      this.#interpreter.purgeFiles(state.room);
    }
    if (deleted) {
      this.#history.unmark(accountAuthor(accountId), deleted.name);
      // A deleted owner's room is nobody's again (and its operators', too); a deleted operator's role goes.
      this.#roles.forgetAccount(accountId);
    }
    await this.#settle();
  }

  /** One session of an account ended: the connections it opened here close (see `sessionEnded`). */
  async sessionEnded(accountId: string, sessionId: string): Promise<void> {
    const state = this.#state();
    const conns = this.members.signedInWith(sessionId);
    this.#interpreter.perform(state.room, sessionEnded(state, this.#context, accountId, conns, Date.now()));
    await this.#settle();
  }

  /**
   * In a conversation, one of its two accounts blocks the other, or stops:
   * from now on nothing passes between them (see `core/conversation.ts`).
   * False for any other room, or an account not of this conversation.
   */
  async block(accountId: string, on: boolean): Promise<boolean> {
    if (!conversationParties(this.#name())?.includes(accountId)) return false;
    this.#conversation.block(accountId, on ? this.#ids.lastId() : null);
    return true;
  }

  /**
   * v1.10: an upload starts with this token: the slot, spent now, or why not.
   * Spent before any byte is stored, so two uploads racing on one token cannot both go in.
   */
  takeUpload(token: string): { ok: true; slot: UploadSlot } | { ok: false; why: SlotRefusal } {
    // A stranger room being wiped, or wiped, takes no more files: nothing would be left to find them.
    if (this.#wipe.busy || this.#privacy.get()?.until !== undefined) return { ok: false, why: "unknown" };
    const taken = takeSlot(this.#uploads.find(token), Date.now());
    if (taken.ok) this.#uploads.mark(token, taken.slot.state);
    return taken;
  }

  /** v1.10: whether an address for file `id` of a private room is one this room gave, and still good. */
  fileLinkValid(id: string, expires: number, sig: string): boolean {
    return this.#links.valid(id, expires, sig, Date.now());
  }

  /**
   * v1.10: the bytes of a taken slot are in R2: the room records the file, and
   * gives its address. Null when the slot could no longer take it: the worker
   * deletes the object.
   */
  async fileStored(token: string, file: StoredFile): Promise<string | null> {
    const now = Date.now();
    const kept = this.#uploads.stored(token, file, now);
    this.flush.log(this.#name(), { event: kept ? "file_stored" : "file_late", size: file.size, type: file.type });
    // A file not sent within a day is deleted: the alarm must come by then.
    await this.#settle();
    // Its address as its uploader may use it: signed, in a room whose history is not public.
    return kept ? this.#links.url(file.id, now) : null;
  }

  /** v1.10: a taken slot's upload failed: its place in the quota is free again. */
  uploadFailed(token: string): void {
    this.#uploads.release(token);
  }

  /** A page of scrollback as `accountId` may read it: in a conversation, without what a block keeps from them. */
  historyPageFor(query: HistoryQuery, accountId: string | null) {
    const hidden = accountId === null ? null : unseenBy(this.#context, { session: `@${accountId}`, verified: true });
    const read = this.queries.historyPage(query, hidden ?? undefined);
    // A conversation's files are given at addresses good for the next hour.
    const now = Date.now();
    const page = { ...read, messages: read.messages.map((m) => this.#links.freshEntry(m, now)) };
    if (hidden === null) return page;
    const kept = unseen(page.messages, hidden, (id) => this.#history.authorAndChange(id));
    return { ...page, messages: kept.filter(isHistoryFrame) };
  }

  /**
   * Who is here and when the room last spoke; joins nothing. A room over
   * several objects (v1.10) adds its fan-out figures, counted since the
   * object last started, so a benchmark can divide the sequencer's work by
   * the messages it carried.
   */
  async info(room: string) {
    this.members.get();
    await this.#settle();
    const { shards, ...fanOut } = this.shardStats();
    return { ...this.queries.info(room), shards, ...(shards > 1 ? { fanOut } : {}) };
  }

  /**
   * Which shard a joiner's socket goes to (0: this object). The room grows
   * its shard count as people come (`plan.ts`), and places each person by
   * their account or session, so their tabs meet. Rooms of two (stranger
   * rooms, conversations) never spread.
   */
  placement(request: Request): number {
    // A stranger room or a conversation is two people: it never spreads.
    if (this.#shardLink === null || conversationParties(this.#name()) !== null) return 0;
    if (this.#privacy.get() || request.headers.get(PRIVATE_HEADER) === "1") return 0;
    const account = accountOf(request);
    const session = account === null ? new URL(request.url).searchParams.get("session") : `@${account.id}`;
    const { roster } = this.members.get();
    // Another tab of someone here goes where their open tabs are, whatever the count became since.
    const member = session === null ? undefined : roster.get(session);
    const open = member?.conns[0];
    if (open !== undefined) return this.#remote.get(open)?.shard ?? 0;
    const now = Date.now();
    // Oldest first: those past their time are at the front.
    while ((this.#placing[0] ?? now) <= now - PLACING_MS) this.#placing.shift();
    const current = this.shardCount();
    const people = roster.size + this.#placing.length + (member === undefined ? 1 : 0);
    const limits = { threshold: this.#config.shardThreshold, maxShards: this.#config.maxShards };
    const count = shardCount(people, current, limits);
    if (count !== current) {
      this.#shards = count;
      this.#ctx.storage.kv.put("shards", count);
      this.flush.log(this.#name(), { event: count > current ? "shards_grown" : "shards_shrunk", shards: count });
    }
    const shard = count === 1 ? 0 : placeOn(`${this.#placementSalt()}\n${session ?? crypto.randomUUID()}`, count);
    if (shard > 0) this.#placing.push(now);
    return shard;
  }

  /**
   * A secret of this room's, mixed into placement: anonymous people choose
   * their own session, and with a public hash could pick sessions that all
   * land on one shard.
   */
  #placementSalt(): string {
    const { kv } = this.#ctx.storage;
    let salt = kv.get<string>("shard-salt");
    if (salt === undefined) {
      salt = crypto.randomUUID();
      kv.put("shard-salt", salt);
    }
    return salt;
  }

  /** How many shards the room spreads new joiners over now. */
  shardCount(): number {
    this.#shards ??= this.#ctx.storage.kv.get<number>("shards") ?? 1;
    return this.#shards;
  }

  /** A shard's knock for a socket it would hold: the same door as this object's own (see `Admission.admitRemote`). */
  async admitRemote(shard: number, conn: string, request: Request): Promise<RemoteEntry> {
    this.#placing.shift();
    return this.admission.admitRemote(request, this.#name(), conn, () => {
      const start = this.#fanOut.startFor(shard);
      return [start, this.#remote.open(conn, shard)];
    });
  }

  /** What a shard's sockets said and did, in order: each frame as if on a socket of this object. */
  async fromShard(shard: number, items: readonly FromShard[]): Promise<ForwardAnswer> {
    const unknown: string[] = [];
    for (const item of items) {
      const socket = this.#remote.get(item.conn);
      if (!socket || socket.shard !== shard) {
        // One the room let go sends on until its close arrives: dropped, not answered as lost.
        if ("message" in item && !this.#remote.released(item.conn)) unknown.push(item.conn);
        continue;
      }
      if ("message" in item) {
        await this.message(socket, item.message);
        continue;
      }
      socket.gone();
      await this.close(socket, item.gone.code, item.gone.reason);
    }
    return { unknown };
  }

  /** The room's fan-out figures: shards now, sockets they hold, batches numbered and deliveries made. */
  shardStats() {
    return {
      shards: this.shardCount(),
      remoteSockets: this.#remote.size,
      batches: this.#fanOut.batches,
      deliveries: this.#fanOut.deliveries,
    };
  }

  #linkTo(shard: number): ShardLink {
    if (this.#shardLink === null) throw new Error("this room has no shards");
    return this.#shardLink(shard);
  }

  /** Sockets a shard no longer holds (it restarted, or their close was lost): their members lose a connection. */
  async #lost(conns: readonly string[]): Promise<void> {
    for (const conn of conns) {
      const socket = this.#remote.get(conn);
      if (!socket) continue;
      socket.gone();
      await this.#depart(socket);
    }
  }

  /**
   * Before the alarm judges who is idle: each shard says when its sockets
   * last answered a heartbeat (the runtime answers them there, unseen here).
   * A socket its shard does not hold any more is gone.
   */
  async #heartbeats(): Promise<void> {
    if (this.#shardLink === null || this.#remote.size === 0) return;
    const link = this.#shardLink;
    const now = Date.now();
    const asked = [...this.#remote.shards()].map(async ([shard, conns]) => {
      const answer = await withinLookup(
        link(shard)
          .heartbeats()
          .catch(() => null),
        null,
      );
      return { conns: [...conns], answer };
    });
    const lost: string[] = [];
    for (const { conns, answer } of await Promise.all(asked)) {
      for (const conn of conns) {
        const socket: RemoteSocket | undefined = this.#remote.get(conn);
        if (!socket) continue;
        // A shard that did not answer is given the benefit of the doubt: its sockets are not judged idle now.
        const at = answer === null ? now : answer[conn];
        if (at === undefined) lost.push(conn);
        else socket.heartbeatAt = new Date(at);
      }
    }
    await this.#lost(lost);
  }

  /** A socket went away without the room closing it: its member loses a connection. */
  async #depart(ws: HeldSocket): Promise<void> {
    const attachment = readAttachment(ws);
    if (!attachment || attachment.left) return;
    // After waking, the rebuild finds this socket closed and starts the member's grace itself.
    const { sockets } = this.members.get();
    writeAttachment(ws, { ...attachment, left: true });
    if (sockets.get(attachment.conn) === ws) {
      this.members.drop(attachment.conn);
      this.#disconnect(attachment.conn);
      // This socket may have held the member's freshest counters: another tab keeps them now.
      this.#keepCounters(attachment.session);
    } else {
      // The rebuild found this socket closing and stored its member's away mark: the log line goes with the next flush.
      this.flush.schedule();
    }
    await this.#settle();
  }

  #disconnect(conn: string): void {
    const state = this.#state();
    this.#interpreter.perform(state.room, disconnect(state, this.#context, conn, Date.now()));
  }

  /** A member's counters into an attachment; a socket that refuses them leaves now. */
  #keepCounters(session: string, preferred?: string): void {
    const lost = this.members.keepCounters(session, preferred);
    if (lost !== undefined) this.#disconnect(lost);
  }

  /** After an event: a private room emptied is wiped, else the alarm is kept early enough. */
  async #settle(): Promise<void> {
    // Messages told to the accounts' lists: awaited, so the object outlives them; other events go on meanwhile.
    await this.#interpreter.told();
    if (this.#wipe.due) {
      await this.#wipe.run();
      return;
    }
    this.#reports.note(Date.now());
    this.#alarms.filesDue(this.#uploads.nextDue(Date.now()));
    // An ended private room's alarm is what removes its closed marker: that one stays.
    const empty = this.members.get().roster.size === 0;
    await this.#alarms.settle(empty, empty && this.#privacy.get()?.until !== undefined);
  }

  #state(room = this.#name()): RoomState {
    return { room, lastId: this.#ids.lastId(), roster: this.members.get().roster };
  }
}

/** What the accounts answer, or `late` once `CLAIM_LOOKUP_MS` has passed without an answer. */
async function withinLookup<T>(asked: Promise<T>, late: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), CLAIM_LOOKUP_MS);
  });
  try {
    return await Promise.race([asked, waited]);
  } finally {
    clearTimeout(timer);
  }
}

function isHistoryFrame(frame: ServerFrame): frame is HistoryFrame {
  return frame.type === "chatMessage" || frame.type === "system";
}
