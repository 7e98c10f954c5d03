import type { ServerFrame } from "../../src/protocol";
import type { SignedInAccount } from "../../src/room/core";
import { sniff } from "../../src/worker/files/sniff";
import { RoomSimulator } from "../room/simulator";
import {
  type ConversationDriver,
  type JoinOptions,
  type Party,
  type RoomDriver,
  SUITE_GRACE_MS,
  type Tab,
} from "./driver";

/**
 * The room suite's driver over the simulator. Its clock moves a millisecond
 * per step, as a real one would between two people's actions, so who joined
 * first is never a tie; rate limits are lifted as in the worker project.
 */
export function simulatorDriver(): RoomDriver {
  const { sim, step, tab } = simulated();
  return {
    join: async (username, { session, since, epoch }: JoinOptions = {}) => {
      step();
      return tab(sim.join(username, session ?? null, since, epoch).id);
    },
    pastGrace: async () => {
      sim.now += SUITE_GRACE_MS + 1;
      sim.alarm();
    },
    upload: async (slotUrl, bytes) => {
      const id = crypto.randomUUID().replaceAll("-", "");
      sim.storeFile(slotUrl.split("/").pop() ?? "", { id, size: bytes.byteLength, type: sniff(bytes) });
      return id;
    },
    files: async () => [...sim.files.keys()],
  };
}

const ACCOUNTS: Record<Party, SignedInAccount> = {
  ann: { id: "a".repeat(20), name: "ann", session: "1".repeat(16) },
  bob: { id: "b".repeat(20), name: "bob", session: "2".repeat(16) },
};

/**
 * A conversation in the simulator: the context a conversation's room is given
 * (its parties, their names, and who blocks since which id), as the Durable
 * Object reads it from its name and its own table.
 */
export function simulatorConversation(): ConversationDriver {
  const { sim, step, tab } = simulated();
  const parties = [ACCOUNTS.ann.id, ACCOUNTS.bob.id] as const;
  const names = new Map(parties.map((id, i) => [id, i === 0 ? ACCOUNTS.ann.name : ACCOUNTS.bob.name]));
  const blockers = new Map<string, number>();
  const settle = () => {
    sim.context.conversation = { parties, names, blockers: new Map(blockers) };
  };
  settle();
  return {
    open: async (who, { since, epoch } = {}) => {
      step();
      return tab(sim.join(null, null, since, epoch, ACCOUNTS[who]).id);
    },
    block: async (who, on) => {
      step();
      if (on) blockers.set(ACCOUNTS[who].id, sim.lastId);
      else blockers.delete(ACCOUNTS[who].id);
      settle();
    },
  };
}

/** A simulator with the suite's grace and lifted rate limits, a clock that steps, and its connections as tabs. */
function simulated() {
  const sim = new RoomSimulator({
    reconnectGraceMs: SUITE_GRACE_MS,
    rateLimitBurst: 100_000,
    rateLimitPerSecond: 100_000,
  });
  const step = () => {
    sim.now += 1;
  };
  const tab = (id: string): Tab => ({
    received: async () => sim.frames(id).filter((f: ServerFrame) => f.type !== "pong"),
    send: async (frame) => {
      step();
      sim.send(id, typeof frame === "string" ? frame : JSON.stringify(frame));
    },
    drop: async () => {
      step();
      sim.disconnect(id);
    },
    closeCode: async () => {
      const code = sim.closed.get(id);
      if (code === undefined) throw new Error(`connection ${id} is still open`);
      return code;
    },
  });
  return { sim, step, tab };
}
