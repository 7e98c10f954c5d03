import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseServerData } from "../../src/protocol";
import type { RoomConfig } from "../../src/room/config";
import { DurableRoom, idsIn } from "./durable-room";

/**
 * One browser tab: a chain of connections, each after the last one dropped.
 * It takes in what it reads of each connection; when it gives one up it
 * resumes with `since` set to the highest id it took in, and ignores whatever
 * of the old connection was still in flight, as a client must.
 */
interface Tab {
  person: number;
  /** The connection it reads; it may already be closed or dropped. */
  conn: string;
  /** How many socket sends of `conn` it has read. */
  read: number;
  /** The `since` that connection brought, if any. */
  since: number | undefined;
  /** The ids it took in, across its connections, in order. */
  view: number[];
  quit: boolean;
}

type Command =
  | { kind: "arrive" }
  | { kind: "open"; person: number }
  | { kind: "say"; tab: number }
  | { kind: "dm"; tab: number; to: number }
  | { kind: "drop"; tab: number }
  /** `read`: quarters of the in-flight sends taken in before choosing `since`. */
  | { kind: "resume"; tab: number; read: number; closeSeenFirst: boolean }
  | { kind: "closeSeen" }
  | { kind: "quit"; tab: number }
  | { kind: "flush" }
  | { kind: "hibernate" }
  | { kind: "wait"; ms: number };

const tab = fc.nat(15);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: "arrive" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("open" as const), person: fc.nat(7) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("say" as const), tab }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("dm" as const), tab, to: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const), tab }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("resume" as const),
      tab,
      read: fc.integer({ min: 0, max: 4 }),
      closeSeenFirst: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "closeSeen" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("quit" as const), tab }) },
  { weight: 4, arbitrary: fc.constant({ kind: "flush" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "hibernate" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 40_000 }) }) },
);

/**
 * Rooms with and without the reconnect grace, small enough to be a crowd or
 * not, and with so few tabs allowed that a new one often closes the quietest.
 */
const config: fc.Arbitrary<Partial<RoomConfig>> = fc.record({
  reconnectGraceMs: fc.constantFrom(0, 15_000),
  crowdSize: fc.constantFrom(3, 100),
  maxTabsPerSession: fc.constantFrom(1, 2, 10),
});

const name = (person: number) => `p${person}`;
const session = (person: number) => `session-${name(person)}`;

/** Ids that occur more than once. */
function repeated(ids: readonly number[]): number[] {
  const seen = new Set<number>();
  const twice: number[] = [];
  for (const id of ids) {
    if (seen.has(id)) twice.push(id);
    seen.add(id);
  }
  return twice;
}

const chatLine = (message: string, clientId?: string) =>
  JSON.stringify({ type: "chatMessage", payload: { message, clientId } });

/** Drives the room's durable parts the way clients would, and returns them with each tab's view at the end. */
async function run(settings: Partial<RoomConfig>, commands: readonly Command[]) {
  // The last run's flush timers belong to a room nobody drives any more.
  vi.clearAllTimers();
  const room = new DurableRoom({ rateLimitBurst: 1_000_000, ...settings });
  const tabs: Tab[] = [];
  /** Connections their client gave up while the room still holds them open. */
  const unseenCloses: string[] = [];
  let people = 0;
  let said = 0;

  const takeIn = (t: Tab, upTo: number) => {
    const texts = room.wire.get(t.conn)?.sent ?? [];
    const end = Math.min(upTo, texts.length);
    for (const text of texts.slice(t.read, end)) t.view.push(...idsIn(parseServerData(text)));
    t.read = Math.max(t.read, end);
  };
  const open = async (person: number, since?: number): Promise<Tab> => {
    const conn = await room.join(name(person), session(person), since);
    return { person, conn, read: 0, since, view: [], quit: false };
  };
  const live = (i: number) => {
    const t = tabs.length === 0 ? undefined : tabs[i % tabs.length];
    return t && !t.quit ? t : undefined;
  };

  for (const c of commands) {
    switch (c.kind) {
      case "arrive":
        tabs.push(await open(people++));
        break;
      case "open":
        if (people > 0) tabs.push(await open(c.person % people));
        break;
      case "say": {
        const t = live(c.tab);
        said++;
        if (t) await room.receive(t.conn, chatLine(`m${said}`, `k${said}`));
        break;
      }
      case "dm": {
        const t = live(c.tab);
        const to = name(c.to % Math.max(people, 1));
        if (t) await room.receive(t.conn, JSON.stringify({ type: "dm", payload: { to, message: "psst" } }));
        break;
      }
      case "drop": {
        const t = live(c.tab);
        if (t) await room.close(t.conn);
        break;
      }
      case "resume": {
        const t = live(c.tab);
        if (!t) break;
        const texts = room.wire.get(t.conn)?.sent ?? [];
        takeIn(t, t.read + Math.floor(((texts.length - t.read) * c.read) / 4));
        if (room.holds(t.conn)) {
          if (c.closeSeenFirst) await room.close(t.conn);
          else unseenCloses.push(t.conn);
        }
        const next = await open(t.person, t.view.length === 0 ? undefined : Math.max(...t.view));
        Object.assign(t, { conn: next.conn, read: 0, since: next.since });
        break;
      }
      case "closeSeen": {
        const conn = unseenCloses.shift();
        if (conn !== undefined) await room.close(conn);
        break;
      }
      case "quit": {
        const t = live(c.tab);
        if (!t) break;
        await room.receive(t.conn, JSON.stringify({ type: "quit" }));
        t.quit = true;
        break;
      }
      case "flush":
        room.flush();
        break;
      case "hibernate":
        room.hibernate();
        break;
      case "wait":
        vi.advanceTimersByTime(c.ms);
        await room.alarmIfDue();
        break;
    }
  }
  room.flush();
  for (const t of tabs) takeIn(t, Number.POSITIVE_INFINITY);
  return { room, tabs };
}

/**
 * What every connection and every tab must hold at the end: no id twice, ids
 * in order, and for a tab still in the room, every chat message and every DM
 * of its person, the ones newer than its connection's `since` on that
 * connection itself.
 */
function check({ room, tabs }: Awaited<ReturnType<typeof run>>): void {
  for (const conn of room.wire.keys()) {
    const ids = idsIn(room.frames(conn));
    expect(repeated(ids), `ids ${conn} got twice`).toEqual([]);
    // Ids in order are what make the highest id a client saw a safe `since`.
    expect(ids, `ids ${conn} got, in order`).toEqual([...ids].sort((a, b) => a - b));
  }

  for (const t of tabs) {
    expect(repeated(t.view), `ids the tab of ${name(t.person)} took in twice`).toEqual([]);
    if (t.quit || !room.holds(t.conn)) continue;
    const own = room.dms().filter((d) => d.to === session(t.person) || d.from === session(t.person));
    const wanted = [...room.chat(), ...own.map((d) => d.id)];
    const view = new Set(t.view);
    expect(
      wanted.filter((id) => !view.has(id)),
      `chat and DM ids the tab of ${name(t.person)} never took in`,
    ).toEqual([]);
    const got = new Set(idsIn(room.frames(t.conn)));
    expect(
      wanted.filter((id) => id > (t.since ?? 0) && !got.has(id)),
      `chat and DM ids after ${t.since} that ${t.conn} never got`,
    ).toEqual([]);
  }
}

describe("which ids each connection gets, through the coalescer and history replays", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 23, 12, 0, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("never sends a connection an id twice or out of order, and loses no chat message or DM for a tab that resumes with since (property)", async () => {
    const commands = fc.array(command, { maxLength: 80, size: "max" });
    await fc.assert(
      fc.asyncProperty(config, commands, async (settings, list) => check(await run(settings, list))),
      { seed: 20_261_123, numRuns: 300 },
    );
    // 300 runs of up to 80 commands: a few seconds, more on a loaded machine.
  }, 30_000);

  // The join of a tab over the limit closes the quietest tab, and that close flushes the coalescer to
  // every socket, the new one included: unless the new one is marked joined first, it is sent the
  // broadcasts still queued, before its welcome, and then its history replay holds them again.
  it("gives a tab that closes its person's quietest one no queued id that its replay holds too", async () => {
    const room = new DurableRoom();
    for (let tabs = 0; tabs < room.config.maxTabsPerSession; tabs++) await room.join("alice", "session-alice");
    const bob = await room.join("bob", "session-bob");
    room.flush();
    await room.receive(bob, chatLine("hello"));
    const eleventh = await room.join("alice", "session-alice");
    expect(repeated(idsIn(room.frames(eleventh)))).toEqual([]);
  });
});
