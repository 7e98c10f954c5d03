import type { RoomDriver } from "../driver";

/** Declares one room scenario: a name saying what people notice, and its steps on a fresh room. */
export type Scenario = (name: string, body: (room: RoomDriver) => Promise<void>) => void;
