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
 * The heartbeat of one socket, for the rooms and the matchmaker alike: a
 * `ping` every 25 s while open keeps the server from evicting a quiet client,
 * and a ping that nothing answers within the deadline means the connection
 * is gone even though nothing closed it (a hung server, a network that
 * dropped without a word). `lost` is then called once.
 */
export class Heartbeat {
  #interval: ReturnType<typeof setInterval> | undefined;
  /** Set while a ping waits for its answer. */
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** Set while a send waits to hear anything back. */
  #probe: ReturnType<typeof setTimeout> | undefined;
  /** Counts incoming messages of any kind: a ping is answered when this moves. */
  #heard = 0;
  /** `#heard` when the probe's send went out. */
  #probeHeard = 0;

  constructor(
    /** Sends the heartbeat line; false when the socket is not open. */
    private readonly ping: () => boolean,
    private readonly lost: () => void,
  ) {}

  /** The socket opened. */
  start(): void {
    this.stop();
    this.#interval = setInterval(() => this.#ping(), HEARTBEAT_MS);
  }

  /** The socket closed, or the app is done with it. */
  stop(): void {
    clearInterval(this.#interval);
    clearTimeout(this.#deadline);
    clearTimeout(this.#probe);
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
    clearTimeout(this.#probe);
    this.#probeHeard = this.#heard;
    this.#probe = setTimeout(() => {
      this.#probe = undefined;
      if (this.#heard === this.#probeHeard) this.#ping();
    }, QUIET_AFTER_SEND_MS);
  }

  #ping(): void {
    if (this.#deadline !== undefined) return;
    const heard = this.#heard;
    if (!this.ping()) return;
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      if (this.#heard !== heard) return;
      this.stop();
      this.lost();
    }, PONG_DEADLINE_MS);
  }
}
