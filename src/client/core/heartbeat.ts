/** How often an open connection sends the `ping` heartbeat; well inside the server's idle timeout. */
export const HEARTBEAT_MS = 25_000;
/** How long a `ping` may go unanswered (by `pong` or any other frame) before the connection counts as lost. */
export const PONG_DEADLINE_MS = 5_000;
/**
 * How long the line may stay silent after a send that expects an answer
 * before a `ping` checks it. An ack normally comes within milliseconds;
 * waiting for the next heartbeat would leave a message on a dead connection
 * for up to half a minute.
 */
export const QUIET_AFTER_SEND_MS = 3_000;

/**
 * Where the heartbeat's timers run. The page's own timers by default; the web
 * app passes one backed by a dedicated Worker, whose timers a browser does not
 * slow down in a hidden tab the way it slows the page's (see ticker.ts).
 * Each call returns the function that cancels it.
 */
export interface TimerClock {
  every(ms: number, run: () => void): () => void;
  after(ms: number, run: () => void): () => void;
}

export const pageClock: TimerClock = {
  every(ms, run) {
    const id = setInterval(run, ms);
    return () => clearInterval(id);
  },
  after(ms, run) {
    const id = setTimeout(run, ms);
    return () => clearTimeout(id);
  },
};

const idle = () => {};

/**
 * The heartbeat of one socket, for the rooms and the matchmaker alike: a
 * `ping` every 25 s while open keeps the server from evicting a quiet client,
 * and a ping that nothing answers within the deadline means the connection
 * is gone even though nothing closed it (a hung server, a network that
 * dropped without a word). `lost` is then called once.
 */
export class Heartbeat {
  #interval: (() => void) | undefined;
  /** Set while a ping waits for its answer. */
  #deadline: (() => void) | undefined;
  /** Set while a send waits to hear anything back. */
  #probe: (() => void) | undefined;
  /** Counts incoming messages of any kind: a ping is answered when this moves. */
  #heard = 0;
  /** `#heard` when the probe's send went out. */
  #probeHeard = 0;

  constructor(
    /** Sends the heartbeat line; false when the socket is not open. */
    private readonly ping: () => boolean,
    private readonly lost: () => void,
    private readonly clock: TimerClock = pageClock,
  ) {}

  /** The socket opened. */
  start(): void {
    this.stop();
    this.#interval = this.clock.every(HEARTBEAT_MS, () => this.#ping());
  }

  /** The socket closed, or the app is done with it. */
  stop(): void {
    (this.#interval ?? idle)();
    (this.#deadline ?? idle)();
    (this.#probe ?? idle)();
    this.#interval = undefined;
    this.#deadline = undefined;
    this.#probe = undefined;
  }

  /** Anything arrived. */
  heard(): void {
    this.#heard++;
  }

  /** Something was sent that the server answers: if the line then stays silent, check it soon. */
  expectAnswer(): void {
    // A probe already waiting on an earlier send that got no answer either is the sooner one; keep it.
    if (this.#probe !== undefined && this.#heard === this.#probeHeard) return;
    (this.#probe ?? idle)();
    this.#probeHeard = this.#heard;
    this.#probe = this.clock.after(QUIET_AFTER_SEND_MS, () => {
      this.#probe = undefined;
      if (this.#heard === this.#probeHeard) this.#ping();
    });
  }

  #ping(): void {
    if (this.#deadline !== undefined) return;
    const heard = this.#heard;
    if (!this.ping()) return;
    this.#deadline = this.clock.after(PONG_DEADLINE_MS, () => {
      this.#deadline = undefined;
      if (this.#heard !== heard) return;
      this.stop();
      this.lost();
    });
  }
}
