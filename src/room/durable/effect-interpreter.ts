import type { ConversationInbox } from "../../account/conversation-inbox";
import type { ListingSlots } from "../../account/listing-slots";
import type { ObjectStorage } from "../../platform/object-state";
import { parseServerData, ServerType } from "../../protocol";
import type { RoomConfig } from "../config";
import type { Effect, Outcome } from "../core";
import { textOf, urgencyOf } from "../core/coalescer";
import { unseen } from "../core/conversation";
import type { BanStore } from "../store/bans";
import type { ConversationStore } from "../store/conversation";
import type { HistoryStore } from "../store/history";
import type { MemberStore } from "../store/members";
import type { RoleStore } from "../store/roles";
import type { RoomSettingsStore } from "../store/room-settings";
import type { SentStore } from "../store/sent";
import type { Sequencer } from "../store/sequencer";
import type { UploadStore } from "../store/uploads";
import type { AlarmSchedule } from "./alarm-schedule";
import { readAttachment, writeAttachment } from "./attachment";
import type { FileBin } from "./file-bin";
import type { FileLinks } from "./file-links";
import type { FlushSchedule } from "./flush-schedule";
import type { Members } from "./members";
import type { PrivacyMarker } from "./privacy";
import type { PrivateWipe } from "./private-wipe";

/** Effects that store something others read: their event commits its member rows with them. */
const RECORDING: ReadonlySet<Effect["kind"]> = new Set([
  "record",
  "attachFiles",
  "deleteFiles",
  "revise",
  "recordDm",
  "remember",
  "react",
  "ban",
  "unban",
  "topic",
  "listing",
  "uploadSlot",
  "closeRoom",
  "forget",
]);

/** Files one purge deletes from R2; a message carries far fewer, so one purge also clears what earlier ones left. */
const FILES_PER_PURGE = 1000;

/** The longest an event waits for the accounts of a conversation to take its news. */
const TELL_WAIT_MS = 5000;

/** What the interpreter performs effects on. */
export interface RoomParts {
  storage: ObjectStorage;
  config: RoomConfig;
  /** Message ids and the epoch: the id counter is settled with each recording event. */
  ids: Sequencer;
  history: HistoryStore;
  sent: SentStore;
  stored: MemberStore;
  bans: BanStore;
  roles: RoleStore;
  settings: RoomSettingsStore;
  members: Members;
  flush: FlushSchedule;
  alarms: AlarmSchedule;
  privacy: PrivacyMarker;
  wipe: PrivateWipe;
  /** A conversation's two accounts, and where each keeps its list of conversations. */
  conversation: ConversationStore;
  inbox: ConversationInbox;
  /** The owners' accounts, which give each listed room its place in the directory. */
  listings: ListingSlots;
  /** v1.10: upload slots granted, and the files they brought. */
  uploads: UploadStore;
  /** v1.10: where the files themselves are (R2), and the addresses readers are given for them. */
  bin: FileBin;
  links: FileLinks;
}

/** Performs the core's outcomes on the platform: sockets, SQLite, the alarm, the log, the accounts. */
export class EffectInterpreter {
  readonly #parts: RoomParts;
  /** Accounts being told of a conversation's messages. */
  #telling: Promise<void>[] = [];

  constructor(parts: RoomParts) {
    this.#parts = parts;
  }

  /**
   * Performs one event's effects. An event that records anything (a notice,
   * a message, a DM, a sent id, a ban, a reaction, new ids) commits it with
   * every member row waiting, as one transaction, so a restart finds all of
   * it or none of it: never a leave notice stored while its member's row is
   * still there to be given a grace and leave again. An event that changes
   * only member rows (a crowd's arrivals and departures, told in `presence`
   * and never stored; an away mark) leaves them for the flush, which writes
   * a storm's rows in a few statements: nothing stored refers to them, and a
   * restart before then finds the room as it was before those events.
   */
  perform(room: string, { state: { lastId }, effects }: Outcome): void {
    const { ids, stored, storage, flush } = this.#parts;
    const records = lastId !== ids.lastId() || effects.some((e) => RECORDING.has(e.kind));
    if (records) {
      storage.transactionSync(() => {
        for (const effect of effects) this.#apply(room, effect);
        ids.settle(lastId);
        stored.commit();
      });
      // A deletion, a prune or an upload left unsent marked files to go: their objects go now.
      if (this.#parts.uploads.hasGoing()) this.#purgeFiles(room);
    } else {
      for (const effect of effects) this.#apply(room, effect);
    }
    flush.schedule();
  }

  #apply(room: string, effect: Effect): void {
    const { members, flush, history, sent, stored, bans, roles, settings, alarms, privacy, wipe, config } = this.#parts;
    const { uploads, links } = this.#parts;
    const { roster, sockets } = members.get();
    const { coalescer } = flush;
    switch (effect.kind) {
      case "send":
        flush.sendAll(effect.to, [textOf(effect.frame)], urgencyOf(effect.frame));
        return;
      case "users":
        coalescer.users(effect.to, effect.limit);
        return;
      case "broadcast": {
        const { frame } = effect;
        coalescer.broadcast(textOf(frame), urgencyOf(frame), frame.type === ServerType.userCount, effect.except);
        return;
      }
      case "presence":
        coalescer.presence(effect);
        return;
      case "replay": {
        // A conversation's blocker: read past the blocked person's rows, then left without their reactions.
        const hidden = effect.unseen;
        const texts = hidden
          ? unseen(history.replayHiding(hidden, effect.since, effect.reset).flatMap(parseServerData), hidden, (id) =>
              history.authorAndChange(id),
            ).map((f) => JSON.stringify(f))
          : history.replayText(effect.since, effect.session, effect.reset);
        // In a private room, files replayed come with addresses good for the next hour, not the first one's.
        const now = Date.now();
        for (let i = 0; i < texts.length; i++) texts[i] = links.freshText(texts[i] ?? "", now);
        if (effect.welcome) texts.unshift(textOf(effect.welcome));
        flush.sendAll(effect.to, texts, "presence");
        return;
      }
      case "close": {
        // A kicked or banned person reads the notice about them before the close.
        flush.flush();
        const ws = sockets.get(effect.to);
        if (!ws) return;
        members.drop(effect.to);
        const attachment = readAttachment(ws);
        if (attachment) writeAttachment(ws, { ...attachment, left: true });
        try {
          ws.close(effect.code, effect.reason);
        } catch {
          // Already closing.
        }
        return;
      }
      case "refuse":
        // The upgrade's response carries a refusal (see `Admission`): the socket was never the room's.
        return;
      case "record":
        history.append(effect.frame, textOf(effect.frame), effect.author ?? null);
        return;
      case "revise":
        history.revise(effect.frame, textOf(effect.frame));
        return;
      case "react":
        history.react(effect);
        return;
      case "recordDm":
        history.appendDm(effect.frame, effect.from, effect.to, textOf(effect.frame));
        return;
      case "tellAccounts":
        this.#tellAccounts(room, effect);
        return;
      case "remember":
        sent.remember(effect.session, effect.clientId, effect.id, effect.ts);
        return;
      case "role":
        roles.set(effect.accountId, effect.name, effect.role);
        return;
      case "topic":
        settings.setTopic(effect.topic);
        return;
      case "listing": {
        const before = settings.get().listedBy;
        settings.setListedBy(effect.listedBy);
        if (effect.listedBy === null && before !== null) this.#releaseListing(room, before);
        return;
      }
      case "ban":
        bans.ban(effect.username, effect.session, Date.now(), effect.until, effect.address);
        return;
      case "unban":
        bans.unban(effect.username, Date.now());
        return;
      case "uploadSlot":
        uploads.grant(effect.slot);
        return;
      case "attachFiles":
        uploads.attach(effect.ids, effect.messageId);
        return;
      case "deleteFiles":
        uploads.detach(effect.messageId);
        return;
      case "closeRoom":
        privacy.set({ closed: true });
        return;
      case "forget":
        // Performed once the event's effects are done: everything goes, the alarm included.
        wipe.request();
        return;
      case "wake":
        alarms.wakeAt(effect.at);
        return;
      case "add":
        roster.add(effect.member);
        stored.save(effect.member);
        // What is already waiting was sent before this member arrived (it is in their history).
        for (const conn of effect.member.conns) coalescer.joined(conn);
        alarms.wantBy(effect.member.lastSeen + config.idleTimeoutMs);
        return;
      case "remove": {
        const member = roster.get(effect.session);
        roster.remove(effect.session);
        stored.remove(effect.session);
        for (const conn of member?.conns ?? []) members.drop(conn);
        return;
      }
      case "update": {
        const { member } = effect;
        const before = roster.get(member.session);
        // Only members still here are updated; one let go this turn was removed first.
        if (!before) return;
        roster.update(member);
        for (const conn of member.conns) if (!before.conns.includes(conn)) coalescer.joined(conn);
        if (effect.durable) {
          stored.save(member);
          alarms.wantBy(members.deadlineOf(member));
        }
        return;
      }
      case "log":
        flush.log(room, effect.entry);
        return;
      default:
        effect satisfies never;
    }
  }

  /**
   * Waits until the accounts told so far have answered (or failed: each
   * failure is logged), but never longer than `TELL_WAIT_MS`: a slow account
   * only makes its list late.
   */
  async told(): Promise<void> {
    if (this.#telling.length === 0) return;
    const telling = this.#telling;
    this.#telling = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, TELL_WAIT_MS);
    });
    await Promise.race([Promise.allSettled(telling), late]);
    clearTimeout(timer);
  }

  /**
   * An unlisted room gives its place back to the account that listed it. One
   * that never arrives is not lost: that account asks its rooms again before
   * it refuses a listing.
   */
  #releaseListing(room: string, listedBy: string): void {
    const owner = this.#parts.roles.get()?.owner;
    if (owner?.accountId !== listedBy) return;
    const released = this.#parts.listings
      .release(owner, room)
      .catch((error: unknown) => this.#parts.flush.log(room, { event: "listing_unreleased", error: String(error) }));
    this.#telling.push(released);
  }

  /**
   * The objects of files marked to go are deleted from R2, then forgotten. A
   * deletion R2 refuses leaves them marked, for the next one to try again.
   */
  #purgeFiles(room: string): void {
    const { uploads, bin, flush } = this.#parts;
    const ids = uploads.going(FILES_PER_PURGE);
    if (ids.length === 0) return;
    const purged = bin
      .delete(room, ids)
      .then(() => uploads.gone(ids))
      .catch((error: unknown) =>
        flush.log(room, { event: "files_undeleted", files: ids.length, error: String(error) }),
      );
    this.#telling.push(purged);
  }

  /**
   * Each of a conversation's accounts learns the conversation moved, for its
   * list and unread count. A list that misses it is only late: it catches up
   * with the next message, and the conversation itself holds everything.
   */
  #tellAccounts(room: string, effect: Extract<Effect, { kind: "tellAccounts" }>): void {
    const [a, b] = this.#parts.conversation.parties().values();
    if (a === undefined || b === undefined) return;
    const move = { from: effect.from, id: effect.id, ts: effect.ts };
    const pairs = [
      [a, b],
      [b, a],
    ] as const;
    for (const [to, peer] of pairs.filter(([to]) => effect.to.includes(to.accountId))) {
      const told = this.#parts
        .inbox({ accountId: to.accountId, name: to.name }, { accountId: peer.accountId, name: peer.name }, move)
        .catch((error: unknown) => this.#parts.flush.log(room, { event: "conversation_untold", error: String(error) }));
      this.#telling.push(told);
    }
  }
}
