import { roomScenarios } from "./scenarios";
import { simulatorDriver } from "./sim-driver";

/**
 * The simulator answers every join with an empty history: it keeps the room's
 * history and DMs, but its `replay` effect never reads them. So what a
 * returning person is replayed, the Durable Object's history store alone
 * decides, and these scenarios fail here until the simulator replays too.
 */
const EMPTY_REPLAY = "the simulator's replay is always empty";

roomScenarios("the simulator", simulatorDriver, {
  "a resume replays only what was missed since the last id seen, the person's own DMs included": EMPTY_REPLAY,
  "a DM to someone within the grace reaches them when they come back, and nobody else's replay": EMPTY_REPLAY,
});
