import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import type { DirectoryPage, DirectoryRoom } from "../../protocol";
import type { DirectoryLink } from "../../room/durable/directory-reports";
import { DirectoryStore } from "../store/directory-store";

/**
 * The directory of listed rooms (v1.9): one object, fed by the rooms
 * themselves (each at most once per `DIRECTORY_REPORT_SECONDS`) and read by
 * `GET /api/rooms`. Rooms report by RPC; nothing here reaches back to them.
 */
export class Directory extends DurableObject<Env> {
  readonly #store: DirectoryStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new DirectoryStore(ctx.storage.sql);
  }

  /** A listed room's entry, as it is now. */
  async put(entry: DirectoryRoom): Promise<void> {
    this.#store.put(entry, Date.now());
  }

  /** A room that is no longer listed. */
  async remove(room: string): Promise<void> {
    this.#store.remove(room);
  }

  async list(prefix: string, limit: number): Promise<DirectoryPage> {
    return this.#store.list(prefix, limit, Date.now());
  }
}

/** The one directory object's name; see docs/architecture.md for how it would be split. */
export const DIRECTORY_NAME = "global";

/** How a room reaches the directory. */
export function directoryLink(env: Env): DirectoryLink {
  const stub = () => env.DIRECTORY.getByName(DIRECTORY_NAME);
  return {
    put: async (entry) => {
      await stub().put(entry);
    },
    remove: async (room) => {
      await stub().remove(room);
    },
  };
}
