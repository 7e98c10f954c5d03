import { Worker } from "node:worker_threads";

/**
 * Busy threads that keep the CPU loaded while something else runs, so timing
 * that only goes wrong on a slow or crowded machine (frames still being
 * inflated when a socket is dropped, a reconnect overtaking them) goes wrong
 * here too. Each worker spins until stopped, and stops by itself after
 * `maxMs` in any case, so a run that never calls `stop` cannot leave them spinning.
 */
export interface CpuLoad {
  readonly workers: number;
  /** Settles once every worker has stopped, whether by `stop` or by its bound. */
  readonly ended: Promise<void>;
  stop(): Promise<void>;
}

/** Spins in slices, checking the deadline between them; terminate() ends it at any point. */
const SPIN = `
const { workerData } = require("node:worker_threads");
const deadline = Date.now() + workerData.maxMs;
let x = 0;
while (Date.now() < deadline) {
  for (let i = 0; i < 1e6; i++) x = (x * 31 + i) % 1000003;
}
`;

export function startCpuLoad(workers: number, maxMs = 15 * 60_000): CpuLoad {
  const threads = Array.from({ length: workers }, () => {
    const worker = new Worker(SPIN, { eval: true, workerData: { maxMs } });
    // The load never keeps the process alive, nor fails it.
    worker.unref();
    worker.on("error", () => {});
    return worker;
  });
  const ended = Promise.all(threads.map((t) => new Promise<void>((resolve) => t.once("exit", () => resolve()))));
  return {
    workers,
    ended: ended.then(() => undefined),
    async stop() {
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}
