// Run: npm run bench:sequencer (or with options: npm run bench:sequencer -- --sizes 1000,100000)
// Options: --sizes 1000,100000 --shards 50 --messages 1000 --warmup 500 --rounds 15
import { type ChildProcess, fork } from "node:child_process";
import { parseArgs } from "node:util";
import { ShardedSequencer } from "../test/room/sharded-sequencer";

/**
 * The sequencer's CPU per chat message, at each room size: the real `Room`
 * over Node's SQLite, its sockets all held by fan-out shards that acknowledge
 * at once (`test/room/sharded-sequencer.ts`). Each message is forwarded by the
 * sender's shard and flushed, as a quiet room flushes at once. What it costs
 * should not grow with the room.
 *
 * Each size is a process of its own, so a big room's heap is charged to it
 * only, and the sizes take turns, round by round: whatever else the machine
 * runs weighs on the rounds of both alike. The last line is the largest
 * size's cost over the smallest's: the median of the rounds' ratios.
 */
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,100000" },
    shards: { type: "string", default: "50" },
    messages: { type: "string", default: "1000" },
    warmup: { type: "string", default: "500" },
    rounds: { type: "string", default: "15" },
    /** Internal: this process holds one room of this size and runs the rounds it is asked for. */
    room: { type: "string" },
  },
});
const shards = Number(values.shards);
const messages = Number(values.messages);

/** What a room's process says: it is ready (and what admitting cost), or a round's CPU and shard ops. */
type Report =
  | { ready: true; admitMs: number; admitCpuUs: number }
  | { ready: false; cpuUs: number; ops: number; deliveries: number };

if (values.room === undefined) await compare();
else await hold(Number(values.room));

/** CPU (user and system) in µs since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return used.user + used.system;
}

/** One room, admitted and warmed up; then a round of messages each time the parent asks. */
async function hold(size: number): Promise<void> {
  // The room writes a log line per flush; they are not what is measured.
  console.log = () => {};
  const sequencer = new ShardedSequencer(shards, size, false);
  const admitFrom = process.cpuUsage();
  const admitStart = performance.now();
  await sequencer.admit(size);
  const ready: Report = { ready: true, admitMs: performance.now() - admitStart, admitCpuUs: cpuSince(admitFrom) };
  await sequencer.flush();
  await sequencer.flush();
  let sent = 0;
  const speak = async (count: number) => {
    const speakers = Math.min(100, sequencer.people.length);
    for (let i = 0; i < count; i++) {
      sent++;
      await sequencer.say(sent % speakers, `message ${sent}`, `m${sent}`);
      await sequencer.flush();
    }
  };
  await speak(Number(values.warmup));
  process.on("message", async () => {
    const before = sequencer.totals();
    const from = process.cpuUsage();
    await speak(messages);
    const cpuUs = cpuSince(from);
    const after = sequencer.totals();
    const report: Report = {
      ready: false,
      cpuUs,
      ops: after.all + after.to + after.close - before.all - before.to - before.close,
      deliveries: after.deliveries - before.deliveries,
    };
    process.send?.(report);
  });
  process.send?.(ready);
}

/** Asks a room's process for what comes next from it. */
function next(child: ChildProcess): Promise<Report> {
  return new Promise((resolve, reject) => {
    const ended = (code: number | null) => reject(new Error(`a room's process ended (${code})`));
    child.once("exit", ended);
    child.once("message", (report: Report) => {
      child.off("exit", ended);
      resolve(report);
    });
  });
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function compare(): Promise<void> {
  const sizes = values.sizes.split(",").map(Number);
  const script = process.argv[1];
  if (script === undefined) throw new Error("no script to fork");
  const rooms = sizes.map((size) => ({
    size,
    child: fork(script, [
      ...["--room", String(size), "--shards", values.shards],
      ...["--messages", values.messages, "--warmup", values.warmup],
    ]),
    perMessage: [] as number[],
  }));
  try {
    for (const room of rooms) {
      const ready = await next(room.child);
      if (!ready.ready) throw new Error("a room's process spoke out of turn");
      console.log(
        `${room.size} people over ${shards} shards: admitted in ${(ready.admitMs / 1000).toFixed(1)} s, ` +
          `${(ready.admitCpuUs / room.size).toFixed(0)} µs CPU each`,
      );
    }
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const room of rooms) {
        const answer = next(room.child);
        room.child.send("round");
        const report = await answer;
        if (report.ready) throw new Error("a room's process spoke out of turn");
        room.perMessage.push(report.cpuUs / messages);
        if (round === 0) {
          console.log(
            `${room.size} people: ${report.ops / messages} shard ops and ` +
              `${report.deliveries / messages} deliveries per message`,
          );
        }
      }
    }
  } finally {
    for (const room of rooms) room.child.kill();
  }
  for (const room of rooms) {
    const rounds = room.perMessage.map((us) => us.toFixed(0)).join(", ");
    console.log(`${room.size} people: ${median(room.perMessage).toFixed(1)} µs CPU per message (rounds ${rounds})`);
  }
  const first = rooms[0];
  const last = rooms.at(-1);
  if (!first || !last || first === last) return;
  const ratios = last.perMessage.map((us, round) => us / (first.perMessage[round] ?? Number.NaN));
  console.log(
    `CPU per message at ${last.size} over ${first.size}: ${median(ratios).toFixed(2)}x ` +
      `(round by round: ${ratios.map((r) => r.toFixed(2)).join(", ")})`,
  );
}
