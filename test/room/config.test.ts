import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, readConfig } from "../../src/room/config";

describe("readConfig", () => {
  it("uses the documented defaults when nothing is set", () => {
    expect(readConfig({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({
      idleTimeoutMs: 60_000,
      rateLimitBurst: 10,
      rateLimitPerSecond: 2,
      maxFrameBytes: 16_384,
      maxMessageLength: 2000,
      maxConnections: 100_000,
      reconnectGraceMs: 15_000,
    });
  });

  it("reads the reconnect grace in seconds, where 0 turns it off and nonsense keeps the default", () => {
    expect(readConfig({ RECONNECT_GRACE_SECONDS: "2" }).reconnectGraceMs).toBe(2000);
    expect(readConfig({ RECONNECT_GRACE_SECONDS: "0" }).reconnectGraceMs).toBe(0);
    expect(readConfig({ RECONNECT_GRACE_SECONDS: "" }).reconnectGraceMs).toBe(15_000);
    expect(readConfig({ RECONNECT_GRACE_SECONDS: "-3" }).reconnectGraceMs).toBe(15_000);
  });

  it("reads numbers from [vars] strings", () => {
    const config = readConfig({ IDLE_TIMEOUT_SECONDS: "1.5", RATE_LIMIT_BURST: "4", MAX_CONNECTIONS: " 7 " });
    expect(config).toMatchObject({ idleTimeoutMs: 1500, rateLimitBurst: 4, maxConnections: 7 });
  });

  it("falls back to the default for nonsense rather than weakening a limit", () => {
    const config = readConfig({ RATE_LIMIT_BURST: "lots", MAX_FRAME_BYTES: "-1", IDLE_TIMEOUT_SECONDS: "0" });
    expect(config.rateLimitBurst).toBe(10);
    expect(config.maxFrameBytes).toBe(16_384);
    expect(config.idleTimeoutMs).toBe(60_000);
  });

  it("keeps 100,000 chat messages unless told, and never fewer than a replay's 100", () => {
    expect(DEFAULT_CONFIG.historyMaxMessages).toBe(100_000);
    expect(readConfig({ HISTORY_MAX_MESSAGES: "5000" }).historyMaxMessages).toBe(5000);
    expect(readConfig({ HISTORY_MAX_MESSAGES: "10" }).historyMaxMessages).toBe(100);
    expect(readConfig({ HISTORY_MAX_MESSAGES: "many" }).historyMaxMessages).toBe(100_000);
  });
});
