import type { ObjectStorage } from "../../platform/object-state";

/**
 * One alarm serves every deadline: idle members, ends of grace, and a
 * directory report due (v1.9). An idle deadline only moves later with
 * activity, so an alarm already set is early enough for those; a new grace
 * may need it sooner. The alarm handler moves it to the next real deadline
 * (`wake`). An empty room keeps no alarm, but for a report still due or
 * files to delete (v1.10).
 */
export class AlarmSchedule {
  readonly #storage: ObjectStorage;
  /** The alarm as last read or set; undefined until read after waking. */
  #alarm: number | null | undefined;
  /** The earliest deadline introduced since the alarm was last checked (a join, a grace), if any. */
  #want: number | null = null;
  /** The alarm the last expiry asked for exactly (null: none), set once its effects are performed. */
  #wake: number | null | undefined;
  /** When the room owes the directory a report; null when it owes none. */
  #report: number | null = null;
  /** When the room must next look at its files (v1.10); null when it need not. */
  #files: number | null = null;

  constructor(storage: ObjectStorage) {
    this.#storage = storage;
  }

  /** A deadline that may need the alarm sooner than it is set. */
  wantBy(deadline: number): void {
    if (this.#want === null || deadline < this.#want) this.#want = deadline;
  }

  /** When the room next owes the directory a report (null: it owes none). */
  reportDue(at: number | null): void {
    this.#report = at;
    if (at !== null) this.wantBy(at);
  }

  /** When the room next has files to delete or to look at (null: none), as `reportDue`. */
  filesDue(at: number | null): void {
    this.#files = at;
    if (at !== null) this.wantBy(at);
  }

  /** The expiry's answer: exactly when the room must next look (null: never). */
  wakeAt(at: number | null): void {
    this.#wake = at;
  }

  /**
   * After an event: the alarm early enough for every new deadline, or none in
   * an empty room (but an ended private room's, `keep`, which removes its marker).
   */
  async settle(empty: boolean, keep: boolean): Promise<void> {
    const want = this.#want;
    if (want === null && !empty) return;
    this.#want = null;
    if (this.#alarm === undefined) this.#alarm = await this.#storage.getAlarm();
    if (empty) {
      if (keep) return;
      // Nobody is here, but a report or the room's files may still be due.
      const due = earliest(this.#report, this.#files);
      if (due !== null) {
        if (this.#alarm !== due) await this.#storage.setAlarm(due);
      } else if (this.#alarm !== null) await this.#storage.deleteAlarm();
      this.#alarm = due;
    } else if (want !== null && (this.#alarm === null || want < this.#alarm)) {
      await this.#storage.setAlarm(want);
      this.#alarm = want;
    }
  }

  /** After the alarm's expiry: the alarm moved to the time it asked for. */
  async settleWake(now: number): Promise<void> {
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake === undefined) return;
    // A deadline that arrived while the alarm ran (a join, a report due) counts too; one already
    // past (the members' deadlines, wanted again as the roster was rebuilt) was the expiry's to see.
    const want = this.#want !== null && this.#want > now ? this.#want : null;
    const next = earliest(earliest(earliest(wake, this.#report), this.#files), want);
    if (next === null) await this.#storage.deleteAlarm();
    else await this.#storage.setAlarm(next);
    this.#alarm = next;
    this.#want = null;
  }

  /** The alarm at exactly this time. */
  async setExactly(at: number): Promise<void> {
    await this.#storage.setAlarm(at);
    this.#alarm = at;
  }

  /** Deadlines wanted so far no longer count (the room was wiped). */
  dropWanted(): void {
    this.#want = null;
    this.#report = null;
    this.#files = null;
  }

  /** Storage was wiped, the alarm with it. */
  cleared(): void {
    this.#alarm = null;
  }
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
