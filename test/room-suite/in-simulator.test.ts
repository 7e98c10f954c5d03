import { roomScenarios } from "./scenarios";
import { simulatorConversation, simulatorDriver } from "./sim-driver";

/**
 * The simulator agrees with the Durable Object on every scenario, replays
 * included: it builds them from the history and DMs it keeps, with the
 * history store's rules (`stored-replay.ts`). A scenario it is found to get
 * wrong is listed here, with what it does instead, until it is fixed.
 */
roomScenarios("the simulator", simulatorDriver, async () => simulatorConversation(), {});
