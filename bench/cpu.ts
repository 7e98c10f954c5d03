import { readdirSync, readFileSync } from "node:fs";

/** The processes a storm's CPU is counted for; all of them share the machine's cores. */
export type Process = "worker" | "proxy" | "wrangler" | "load";

/**
 * Which of the benchmark's processes a command line belongs to. `wrangler dev`
 * runs two `workerd` processes: the worker itself (the one with an inspector)
 * and the proxy in front of it.
 */
export function classify(cmdline: string, pid: number, selfPid: number): Process | null {
  if (pid === selfPid) return "load";
  if (cmdline.includes("workerd serve")) return cmdline.includes("--inspector-addr") ? "worker" : "proxy";
  if (cmdline.includes("wrangler-dist/cli.js")) return "wrangler";
  return null;
}

/** The fields of a `/proc/<pid>/stat` line after the command name, which may hold spaces and parentheses. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** User and system CPU of a process, in clock ticks, from its `/proc/<pid>/stat` line. */
export function ticksOf(stat: string): number {
  const fields = statFields(stat);
  return Number(fields[11]) + Number(fields[12]);
}

/** The process group of a process, from its `/proc/<pid>/stat` line. */
export function groupOf(stat: string): number {
  return Number(statFields(stat)[2]);
}

/** Clock ticks per second on Linux, as the kernel reports `/proc` times. */
const TICKS_PER_SECOND = 100;

/**
 * CPU used so far by each of the benchmark's processes, in ms; empty where
 * `/proc` cannot be read. With `group`, only the server's own processes count
 * (the dev server runs in a process group of its own): another `wrangler dev`
 * on the same machine is not charged to this one.
 */
export function cpuNow(group?: number): Map<Process, number> {
  const used = new Map<Process, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return used;
  }
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const kind = classify(cmdline, Number(pid), process.pid);
      if (kind === null) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (group !== undefined && kind !== "load" && groupOf(stat) !== group) continue;
      const ms = (ticksOf(stat) * 1000) / TICKS_PER_SECOND;
      used.set(kind, (used.get(kind) ?? 0) + ms);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return used;
}

/** What each process used between two readings, in ms. */
export function cpuBetween(
  before: Map<Process, number>,
  after: Map<Process, number>,
): Partial<Record<Process, number>> {
  const spent: Partial<Record<Process, number>> = {};
  for (const [kind, ms] of after) spent[kind] = Math.max(0, ms - (before.get(kind) ?? 0));
  return spent;
}
