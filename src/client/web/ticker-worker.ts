/**
 * The heartbeat's timers, in a dedicated Worker (built to public/ticker.js).
 * Chromium slows a hidden tab's own timers down to about one wake-up a minute
 * after a few minutes, which would space the 25 s heartbeat out past the
 * room's 60 s idle limit; a dedicated worker's timers are not slowed that way.
 * The page asks for a timer by id and is told each time it fires.
 */
type TimerRequest = { op: "every" | "after"; id: number; ms: number } | { op: "cancel"; id: number } | { op: "hello" };

const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<TimerRequest>) => void) | null;
};
const timers = new Map<number, { cancel: () => void }>();

scope.onmessage = ({ data }) => {
  switch (data.op) {
    case "hello":
      scope.postMessage({ op: "ready" });
      return;
    case "every": {
      const handle = setInterval(() => scope.postMessage({ op: "tick", id: data.id }), data.ms);
      timers.set(data.id, { cancel: () => clearInterval(handle) });
      return;
    }
    case "after": {
      const handle = setTimeout(() => {
        timers.delete(data.id);
        scope.postMessage({ op: "tick", id: data.id });
      }, data.ms);
      timers.set(data.id, { cancel: () => clearTimeout(handle) });
      return;
    }
    case "cancel":
      timers.get(data.id)?.cancel();
      timers.delete(data.id);
      return;
  }
};
