import { usersFrame } from "./frames";
import type { RosterView } from "./roster";

/** People lists kept between flushes, for the limits last asked for (the web app always asks for 100). */
export const PEOPLE_LISTS_KEPT = 4;

/** A roster that says when what its people list shows has changed. */
export interface VersionedRoster extends RosterView {
  readonly version: number;
}

/**
 * The `users` reply as the room stands now, written once per change of who
 * is here (and per `limit`). A limit the room's size does not reach is the
 * whole list, and only the last few lists are kept: `limit` is the client's
 * to choose, and one list per value asked for would let a client fill the
 * room's memory with copies of it.
 */
export class PeopleLists {
  #roster: VersionedRoster | undefined;
  #version = -1;
  readonly #texts = new Map<number | undefined, string>();

  text(roster: VersionedRoster, limit: number | undefined): string {
    if (this.#roster !== roster || this.#version !== roster.version) {
      this.#roster = roster;
      this.#version = roster.version;
      this.#texts.clear();
    }
    const key = limit === undefined || limit >= roster.size ? undefined : limit;
    let text = this.#texts.get(key);
    if (text === undefined) {
      text = JSON.stringify(usersFrame(roster, key));
      if (this.#texts.size >= PEOPLE_LISTS_KEPT) this.#texts.delete(this.#texts.keys().next().value);
      this.#texts.set(key, text);
    }
    return text;
  }

  /** How many lists are held now. */
  get held(): number {
    return this.#texts.size;
  }
}
