import type { ServerFrame } from "../../src/protocol";
import { RoomSimulator } from "../room/simulator";
import { type JoinOptions, type RoomDriver, SUITE_GRACE_MS, type Tab } from "./driver";

/**
 * The room suite's driver over the simulator. Its clock moves a millisecond
 * per step, as a real one would between two people's actions, so who joined
 * first is never a tie; rate limits are lifted as in the worker project.
 */
export function simulatorDriver(): RoomDriver {
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
  return {
    join: async (username, { session, since, epoch }: JoinOptions = {}) => {
      step();
      return tab(sim.join(username, session ?? null, since, epoch).id);
    },
    pastGrace: async () => {
      sim.now += SUITE_GRACE_MS + 1;
      sim.alarm();
    },
  };
}
