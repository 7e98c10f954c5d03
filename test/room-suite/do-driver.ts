import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { onTestFinished } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { Browser, freshName } from "../worker/accounts";
import { connect, connectPath, freshRoom, type TestClient } from "../worker/client";
import {
  type ConversationDriver,
  type JoinOptions,
  type Party,
  type RoomDriver,
  SUITE_GRACE_MS,
  type Tab,
} from "./driver";

/** How long to wait for a close the room should send. */
const CLOSE_WAIT_MS = 3000;

/**
 * The room suite's driver over the real Durable Object, through the worker,
 * inside workerd: a fresh room per driver (made inside a test), one WebSocket
 * per tab.
 */
export function durableObjectDriver(): RoomDriver {
  const room = freshRoom("suite");
  const { watch, settle, settleAll, tab } = socketTabs();
  return {
    async join(username, { session, since, epoch }: JoinOptions = {}) {
      const params: Record<string, string> = { username };
      if (session !== undefined) params.session = session;
      if (since !== undefined) params.since = String(since);
      if (epoch !== undefined) params.epoch = epoch;
      const client = await connect(room, params);
      watch(client);
      // The join sequence, or a refusal and its close.
      await Promise.race([client.waitFor("userCount"), client.closed]);
      await settle(client);
      return tab(client);
    },
    async pastGrace() {
      await new Promise((resolve) => setTimeout(resolve, SUITE_GRACE_MS + 200));
      // The alarm may have run on its own by now; if not, it runs here.
      await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
      await settleAll();
    },
    async upload(slotUrl, bytes) {
      const res = await exports.default.fetch(`http://hallway.test${slotUrl}`, { method: "PUT", body: bytes });
      if (res.status !== 201) throw new Error(`upload refused: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async files() {
      return runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, { storage: { sql } }) => {
        // A room that never granted a slot has no table of them.
        if (sql.exec("SELECT name FROM sqlite_master WHERE name = 'uploads'").toArray().length === 0) return [];
        const rows = sql.exec<{ file_id: string }>("SELECT file_id FROM uploads WHERE state = 'stored'").toArray();
        return rows.map((r) => r.file_id);
      });
    },
  };
}

/**
 * A conversation through the worker's door: two accounts, each claimed with a
 * passkey in a browser of its own, opening `/talk/<the other's name>` with
 * their cookie and blocking through the account's HTTP API.
 */
export async function durableObjectConversation(): Promise<ConversationDriver> {
  const people = new Map<Party, { browser: Browser; name: string }>();
  for (const who of ["ann", "bob"] as const) {
    const browser = new Browser();
    const name = freshName(who);
    const claimed = await browser.claim(name);
    if (claimed.status !== 200) throw new Error(`${who} could not claim a name: HTTP ${claimed.status}`);
    people.set(who, { browser, name });
  }
  const person = (who: Party) => {
    const found = people.get(who);
    if (!found) throw new Error(`no ${who}`);
    return found;
  };
  const other = (who: Party): Party => (who === "ann" ? "bob" : "ann");
  const { watch, settle, tab } = socketTabs();
  return {
    async open(who, { since, epoch } = {}) {
      const params: Record<string, string> = {};
      if (since !== undefined) params.since = String(since);
      if (epoch !== undefined) params.epoch = epoch;
      const path = `/talk/${encodeURIComponent(person(other(who)).name)}`;
      const client = await connectPath(path, params, person(who).browser.headers());
      watch(client);
      await Promise.race([client.waitFor("history"), client.closed]);
      await settle(client);
      return tab(client);
    },
    async block(who, on) {
      const res = await person(who).browser.fetch(`/api/conversations/${person(other(who)).name}/block`, {
        method: on ? "PUT" : "DELETE",
      });
      if (res.status !== 204) throw new Error(`the block answered HTTP ${res.status}`);
    },
  };
}

/**
 * Sockets as the suite's tabs. A tab knows it has everything the room sent
 * when its own ping is answered (frames to one socket leave in order), or when
 * the room closed it. The sockets close when the test ends, as a person's tabs would.
 */
function socketTabs() {
  const tabs = new Set<TestClient>();
  const ended = new Map<TestClient, number>();
  // Called inside a test: the room's sockets close with it, as a person's tabs would.
  onTestFinished(() => {
    for (const client of tabs) client.close();
  });

  const watch = (client: TestClient) => {
    tabs.add(client);
    void client.closed.then(({ code }) => {
      ended.set(client, code);
      tabs.delete(client);
    });
  };
  /** Everything the room sent this tab so far has arrived, or the tab is closed. */
  const settle = async (client: TestClient) => {
    if (ended.has(client)) return;
    await Promise.race([client.sync(), client.closed]);
  };
  const settleAll = async () => {
    for (const client of [...tabs]) await settle(client);
  };

  const tab = (client: TestClient): Tab => ({
    async received() {
      await settle(client);
      return client.received.filter((f): f is ServerFrame => typeof f === "object" && f.type !== "pong");
    },
    async send(frame) {
      client.send(frame);
      await settle(client);
    },
    async drop() {
      client.close(1001);
      await client.closed;
      await settleAll();
    },
    async closeCode() {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("the room left the connection open")), CLOSE_WAIT_MS),
      );
      return (await Promise.race([client.closed, timeout])).code;
    },
  });

  return { watch, settle, settleAll, tab };
}
