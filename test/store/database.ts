import type { Sql } from "../../src/platform/sql";

/**
 * Runs `body` on a fresh, empty database: inside workerd, a new Durable
 * Object's own SQLite (`ctx.storage.sql`); in Node, an in-memory `node:sqlite`
 * database behind the same interface. The store tests are included in both
 * the `unit` and the `worker` projects, so each case runs on both.
 * A store built again on the same `sql` is the store after a restart: its
 * memory is gone, its rows are not.
 */
export async function withDatabase<T>(body: (sql: Sql) => T | Promise<T>): Promise<T> {
  if (navigator.userAgent === "Cloudflare-Workers") {
    const { env, runInDurableObject } = await import("cloudflare:test");
    const stub = env.CHAT_ROOM.getByName(`store-${crypto.randomUUID()}`);
    return runInDurableObject(stub, (_, state) => body(state.storage.sql));
  }
  const { nodeSql } = await import("./node-sql");
  return body(nodeSql());
}
