import { TICKET_TTL_MS } from "../../match/core/ticket";
import type { ObjectStorage } from "../../platform/object-state";
import type { LogEntry } from "../core";
import type { BanStore } from "../store/bans";
import type { HistoryStore } from "../store/history";
import type { MemberStore } from "../store/members";
import type { RoleStore } from "../store/roles";
import type { SentStore } from "../store/sent";
import type { Sequencer } from "../store/sequencer";
import type { UploadStore } from "../store/uploads";
import type { AlarmSchedule } from "./alarm-schedule";
import type { FileLinks } from "./file-links";
import type { FlushSchedule } from "./flush-schedule";
import type { PrivacyMarker } from "./privacy";

/** The stores a wipe empties. */
export interface WipedStores {
  ids: Sequencer;
  history: HistoryStore;
  sent: SentStore;
  members: MemberStore;
  bans: BanStore;
  roles: RoleStore;
  uploads: UploadStore;
  links: FileLinks;
}

/**
 * A private room whose last person has left keeps nothing: history, DMs,
 * members, sent ids, files (in R2 too), its closed flag and its alarm all go.
 * What remains is an object that looks never used.
 */
export class PrivateWipe {
  readonly #storage: ObjectStorage;
  readonly #stores: WipedStores;
  readonly #privacy: PrivacyMarker;
  readonly #alarms: AlarmSchedule;
  readonly #flush: FlushSchedule;
  readonly #log: (entry: LogEntry) => void;
  readonly #deleteFiles: () => Promise<void>;
  /** The room emptied: delete all of its storage once this event's effects are done. */
  #due = false;

  constructor(
    storage: ObjectStorage,
    stores: WipedStores,
    privacy: PrivacyMarker,
    alarms: AlarmSchedule,
    flush: FlushSchedule,
    log: (entry: LogEntry) => void,
    /** Deletes every file the room has in R2. */
    deleteFiles: () => Promise<void>,
  ) {
    this.#deleteFiles = deleteFiles;
    this.#storage = storage;
    this.#stores = stores;
    this.#privacy = privacy;
    this.#alarms = alarms;
    this.#flush = flush;
    this.#log = log;
  }

  /** Asked for by an event's effects; performed after them. */
  request(): void {
    this.#due = true;
  }

  get due(): boolean {
    return this.#due;
  }

  async run(): Promise<void> {
    this.#due = false;
    this.#flush.flush();
    await this.#storage.deleteAlarm();
    // The files first: once the room's records and its link key are gone, nothing could find them.
    await this.#deleteFiles().catch((error: unknown) => this.#log({ event: "files_undeleted", error: String(error) }));
    await this.#storage.deleteAll();
    const { ids, history, sent, members, bans, roles, uploads, links } = this.#stores;
    uploads.forget();
    links.forget();
    ids.forget();
    history.forget();
    sent.forget();
    members.forget();
    bans.forget();
    roles.forget();
    // Until the room's tickets have expired, a closed marker keeps a ticket from opening it again;
    // the alarm then removes that too.
    const until = Date.now() + TICKET_TTL_MS;
    this.#privacy.set({ closed: true, until });
    await this.#alarms.setExactly(until);
    this.#alarms.dropWanted();
    this.#log({ event: "room_deleted" });
    this.#flush.writeLogs();
  }

  /**
   * The alarm in an ended private room with nobody in it: its marker outlived
   * its tickets, and now nothing remains; or the alarm comes back when they
   * have. False when this is not such a room.
   */
  async endMarker(isEmpty: () => boolean): Promise<boolean> {
    const privacy = this.#privacy.get();
    if (privacy?.until === undefined || !isEmpty()) return false;
    if (Date.now() >= privacy.until) {
      await this.#storage.deleteAll();
      this.#privacy.wiped();
      this.#alarms.cleared();
    } else {
      await this.#alarms.setExactly(privacy.until);
    }
    return true;
  }
}
