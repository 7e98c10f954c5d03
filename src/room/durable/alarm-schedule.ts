import type { ObjectStorage } from "../../platform/object-state";

/**
 * One alarm serves every deadline: idle members and ends of grace. An idle
 * deadline only moves later with activity, so an alarm already set is early
 * enough for those; a new grace may need it sooner. The alarm handler moves
 * it to the next real deadline (`wake`). An empty room keeps no alarm.
 */
export class AlarmSchedule {
  readonly #storage: ObjectStorage;
  /** The alarm as last read or set; undefined until read after waking. */
  #alarm: number | null | undefined;
  /** The earliest deadline introduced since the alarm was last checked (a join, a grace), if any. */
  #want: number | null = null;
  /** The alarm the last expiry asked for exactly (null: none), set once its effects are performed. */
  #wake: number | null | undefined;

  constructor(storage: ObjectStorage) {
    this.#storage = storage;
  }

  /** A deadline that may need the alarm sooner than it is set. */
  wantBy(deadline: number): void {
    if (this.#want === null || deadline < this.#want) this.#want = deadline;
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
      if (this.#alarm !== null) await this.#storage.deleteAlarm();
      this.#alarm = null;
    } else if (want !== null && (this.#alarm === null || want < this.#alarm)) {
      await this.#storage.setAlarm(want);
      this.#alarm = want;
    }
  }

  /** After the alarm's expiry: the alarm moved to the time it asked for. */
  async settleWake(): Promise<void> {
    const next = this.#wake;
    this.#wake = undefined;
    if (next === undefined) return;
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
  }

  /** Storage was wiped, the alarm with it. */
  cleared(): void {
    this.#alarm = null;
  }
}
