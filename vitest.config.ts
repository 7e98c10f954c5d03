import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        // Pure logic: protocol parsing and the room's transitions, in plain Node.
        test: { name: "unit", include: ["test/protocol/**/*.test.ts", "test/room/**/*.test.ts"] },
      },
      {
        // The worker and its Durable Objects inside workerd.
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: { name: "worker", include: ["test/worker/**/*.test.ts"], testTimeout: 15_000 },
      },
    ],
  },
});
