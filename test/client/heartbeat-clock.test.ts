import { describe, expect, it } from "vitest";
import { HEARTBEAT_MS, Heartbeat, PONG_DEADLINE_MS, type TimerClock } from "../../src/client/core/heartbeat";

/** A clock the test runs by hand, like the worker-backed one the web app passes in. */
class HandClock implements TimerClock {
  readonly timers = new Map<number, { ms: number; run: () => void; repeat: boolean }>();
  #next = 1;
  every(ms: number, run: () => void) {
    return this.#add(ms, run, true);
  }
  after(ms: number, run: () => void) {
    return this.#add(ms, run, false);
  }
  fire(ms: number): void {
    for (const [id, t] of [...this.timers]) {
      if (t.ms !== ms) continue;
      if (!t.repeat) this.timers.delete(id);
      t.run();
    }
  }
  #add(ms: number, run: () => void, repeat: boolean) {
    const id = this.#next++;
    this.timers.set(id, { ms, run, repeat });
    return () => this.timers.delete(id);
  }
}

describe("the heartbeat on another clock", () => {
  it("runs every timer on the clock it is given, and stops them all", () => {
    const clock = new HandClock();
    let pings = 0;
    let lost = 0;
    const heartbeat = new Heartbeat(
      () => {
        pings++;
        return true;
      },
      () => lost++,
      clock,
    );
    heartbeat.start();
    clock.fire(HEARTBEAT_MS);
    expect(pings).toBe(1);
    heartbeat.heard();
    clock.fire(PONG_DEADLINE_MS);
    expect(lost).toBe(0);
    clock.fire(HEARTBEAT_MS);
    clock.fire(PONG_DEADLINE_MS);
    expect(lost).toBe(1);
    heartbeat.start();
    heartbeat.stop();
    expect(clock.timers.size).toBe(0);
  });
});
