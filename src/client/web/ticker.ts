import { pageClock, type TimerClock } from "../core/heartbeat";

/** How long the worker may take to say it runs before the page's own timers are used instead. */
const READY_WITHIN_MS = 3000;

/**
 * A clock whose timers run in the ticker worker, so the heartbeat keeps its
 * pace in a hidden tab. Resolves once the worker answers; when it cannot
 * start (no Worker, the script missing), the page's own timers are used, so
 * the heartbeat never stops altogether.
 */
export function workerClock(url = "/ticker.js"): Promise<TimerClock> {
  let worker: Worker;
  try {
    worker = new Worker(url);
  } catch {
    return Promise.resolve(pageClock);
  }
  const runs = new Map<number, { run: () => void; once: boolean }>();
  let next = 1;
  const clock: TimerClock = {
    every: (ms, run) => schedule("every", ms, run),
    after: (ms, run) => schedule("after", ms, run),
  };
  function schedule(op: "every" | "after", ms: number, run: () => void): () => void {
    const id = next++;
    runs.set(id, { run, once: op === "after" });
    worker.postMessage({ op, id, ms });
    return () => {
      if (runs.delete(id)) worker.postMessage({ op: "cancel", id });
    };
  }
  return new Promise((resolve) => {
    const fallback = setTimeout(() => {
      worker.terminate();
      resolve(pageClock);
    }, READY_WITHIN_MS);
    worker.addEventListener("error", () => {
      clearTimeout(fallback);
      worker.terminate();
      resolve(pageClock);
    });
    worker.addEventListener("message", ({ data }: MessageEvent<{ op: string; id?: number }>) => {
      if (data.op === "ready") {
        clearTimeout(fallback);
        resolve(clock);
        return;
      }
      const entry = data.id === undefined ? undefined : runs.get(data.id);
      if (!entry || data.id === undefined) return;
      if (entry.once) runs.delete(data.id);
      entry.run();
    });
    worker.postMessage({ op: "hello" });
  });
}
