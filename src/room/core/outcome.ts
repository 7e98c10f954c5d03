import type { Effect } from "./effects";
import type { Member } from "./roster";
import type { RoomState } from "./state";

/**
 * What any event leads to: the state the room's rules see next, and the
 * effects to perform, in order. The shell keeps `state.lastId` (the id
 * counter) and performs the effects; the roster in `state` is only what
 * later steps of the same event see, since the shell's own roster changes
 * through the membership effects.
 */
export interface Outcome {
  state: RoomState;
  effects: Effect[];
}

/** Nothing to do. */
export function unchanged(state: RoomState): Outcome {
  return { state, effects: [] };
}

/** The refusal a join's outcome starts with, if it was refused. */
export function refusalOf(outcome: Outcome): Extract<Effect, { kind: "refuse" }> | undefined {
  const first = outcome.effects[0];
  return first?.kind === "refuse" ? first : undefined;
}

/**
 * The sender as a frame left it (counters, bucket, last sign of life), written
 * back after the frame's other effects; the outcome itself, extended.
 */
export function keeping(sender: Member, outcome: Outcome): Outcome {
  outcome.effects.push({ kind: "update", member: sender });
  return outcome;
}

/** Runs steps in order, threading the state through and concatenating their effects. */
export function chain(state: RoomState, ...steps: ((s: RoomState) => Outcome | Effect[])[]): Outcome {
  let current = state;
  const effects: Effect[] = [];
  for (const step of steps) {
    const result = step(current);
    if (Array.isArray(result)) effects.push(...result);
    else {
      current = result.state;
      effects.push(...result.effects);
    }
  }
  return { state: current, effects };
}
