import { env, runInDurableObject } from "cloudflare:test";

/** What a room's object has stored: its own tables, its keys, and its alarm. */
export function storageOf(room: string) {
  return runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) => ({
    tables: state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
      .toArray()
      .map((r) => r.name),
    keys: [...state.storage.kv.list()].length,
    alarm: await state.storage.getAlarm(),
  }));
}
