import type { SmallKv } from "../../platform/object-state";
import type { LogEntry } from "../core";
import { type DirectoryEntry, NO_REPORTS, planReport, type ReportLog, reported } from "../core/directory-report";
import type { AlarmSchedule } from "./alarm-schedule";

/** The directory as a room reaches it: by RPC to its object. */
export interface DirectoryLink {
  put(entry: DirectoryEntry): Promise<void>;
  remove(room: string): Promise<void>;
}

/** For a room with no directory to tell (the tests' rooms outside workerd). */
export const NO_DIRECTORY: DirectoryLink = {
  put: async () => {},
  remove: async () => {},
};

const KEY = "directory-reports";

/**
 * A listed room's reports to the directory (v1.9). After each event the room
 * notes what its entry is now; a change makes a report due (see
 * `planReport`), and the room's alarm, shared with its other deadlines,
 * sends it. What was last reported is kept in key-value storage, written
 * only when a report goes out, so a room that hibernates with nothing new
 * neither writes nor wakes.
 */
export class DirectoryReports {
  readonly #kv: SmallKv;
  readonly #alarms: AlarmSchedule;
  readonly #link: DirectoryLink;
  readonly #intervalMs: number;
  readonly #current: () => DirectoryEntry | null;
  readonly #log: (entry: LogEntry) => void;
  #reports: ReportLog | undefined;

  constructor(
    kv: SmallKv,
    alarms: AlarmSchedule,
    link: DirectoryLink,
    intervalMs: number,
    current: () => DirectoryEntry | null,
    log: (entry: LogEntry) => void,
  ) {
    this.#kv = kv;
    this.#alarms = alarms;
    this.#link = link;
    this.#intervalMs = intervalMs;
    this.#current = current;
    this.#log = log;
  }

  /** After an event: the alarm is asked for by when the next report is due, if one is. */
  note(now: number): void {
    this.#alarms.reportDue(planReport(this.#current(), this.#get(), now, this.#intervalMs).due);
  }

  /** At the alarm: a report that is due goes out; one that fails is tried again an interval later. */
  async run(now: number): Promise<void> {
    const before = this.#get();
    const { send } = planReport(this.#current(), before, now, this.#intervalMs);
    if (send !== null) {
      const { entry } = send;
      let ok = true;
      try {
        if (entry !== null) await this.#link.put(entry);
        else if (before.reported !== null) await this.#link.remove(before.reported.room);
      } catch (error) {
        ok = false;
        this.#log({ event: "directory_report_failed", message: String(error) });
      }
      this.#reports = reported(before, entry, ok, Date.now(), this.#intervalMs);
      this.#kv.put(KEY, this.#reports);
    }
    this.note(Date.now());
  }

  #get(): ReportLog {
    this.#reports ??= this.#kv.get<ReportLog>(KEY) ?? NO_REPORTS;
    return this.#reports;
  }
}
