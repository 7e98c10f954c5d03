import * as v from "valibot";
import { HISTORY_MAX_MESSAGES, MAX_HISTORY, MAX_MESSAGE_LENGTH, SEARCHES_PER_MINUTE } from "../protocol";

/** The room's tunable limits, from `[vars]` in `wrangler.toml`. */
export interface RoomConfig {
  /** A connection that sends nothing, heartbeats included, for this long is evicted. */
  idleTimeoutMs: number;
  /** Token bucket: frames a connection may send at once... */
  rateLimitBurst: number;
  /** ...and how many tokens come back per second. */
  rateLimitPerSecond: number;
  /** Frames larger than this (UTF-8 bytes) are refused unread. */
  maxFrameBytes: number;
  maxMessageLength: number;
  /** People per room. */
  maxConnections: number;
  /** Open connections (tabs) one session may keep in a room; one more closes the one quiet longest. */
  maxTabsPerSession: number;
  /** Drops within `floodWindowMs` after which a connection is closed with 4429. */
  floodDrops: number;
  floodWindowMs: number;
  /** A member whose last connection drops (no quit) stays this long, away, before leaving; 0 turns it off. */
  reconnectGraceMs: number;
  /** Joins per client address per room per minute; the next gets HTTP 429. */
  joinRatePerMinute: number;
  /** v1.9: searches per client address per room per minute; the next gets HTTP 429. */
  searchesPerMinute: number;
  /**
   * From this many members on, arrivals and departures are told in `presence`
   * frames (names only, many per frame) instead of a recorded notice each: in a
   * big room they would crowd out the chat, and every notice goes to everyone.
   */
  crowdSize: number;
  /** v1.9: a listed room reports a change to the directory at most once per this long. */
  directoryReportMs: number;
  /** Chat messages a room keeps; the oldest beyond it are pruned (notices and DMs have bounds of their own). */
  historyMaxMessages: number;
  /** v1.10: the largest file an upload slot is granted for, in bytes. */
  maxFileBytes: number;
  /** v1.10: bytes of files one room holds; past them, no upload until files are deleted. */
  maxRoomFileBytes: number;
  /** People per fan-out shard before a room spreads over one more object. */
  shardThreshold: number;
  /** The most fan-out shards (objects holding sockets) one room spreads over. */
  maxShards: number;
}

export const DEFAULT_CONFIG: RoomConfig = {
  idleTimeoutMs: 60_000,
  rateLimitBurst: 10,
  rateLimitPerSecond: 2,
  maxFrameBytes: 16_384,
  maxMessageLength: MAX_MESSAGE_LENGTH,
  maxConnections: 100_000,
  maxTabsPerSession: 10,
  floodDrops: 30,
  floodWindowMs: 10_000,
  reconnectGraceMs: 15_000,
  joinRatePerMinute: 30,
  searchesPerMinute: SEARCHES_PER_MINUTE,
  crowdSize: 100,
  directoryReportMs: 10_000,
  historyMaxMessages: HISTORY_MAX_MESSAGES,
  maxFileBytes: 10 * 1024 * 1024,
  maxRoomFileBytes: 1024 * 1024 * 1024,
  shardThreshold: 2000,
  maxShards: 64,
};

/** The variables as they arrive: strings from `[vars]`, or absent. */
export interface RoomVars {
  IDLE_TIMEOUT_SECONDS?: string;
  RATE_LIMIT_BURST?: string;
  RATE_LIMIT_PER_SECOND?: string;
  MAX_FRAME_BYTES?: string;
  MAX_MESSAGE_LENGTH?: string;
  MAX_CONNECTIONS?: string;
  MAX_TABS_PER_SESSION?: string;
  RECONNECT_GRACE_SECONDS?: string;
  JOIN_RATE_PER_MINUTE?: string;
  SEARCHES_PER_MINUTE?: string;
  CROWD_SIZE?: string;
  DIRECTORY_REPORT_SECONDS?: string;
  HISTORY_MAX_MESSAGES?: string;
  MAX_FILE_BYTES?: string;
  MAX_ROOM_FILE_BYTES?: string;
  SHARD_THRESHOLD?: string;
  MAX_SHARDS?: string;
}

const Positive = v.pipe(v.string(), v.trim(), v.transform(Number), v.number(), v.minValue(Number.MIN_VALUE));
const NonNegative = v.pipe(v.string(), v.trim(), v.nonEmpty(), v.transform(Number), v.number(), v.minValue(0));

/**
 * Reads the room's limits from the environment. A variable that is absent or
 * not a positive number falls back to its default, so a typo in `[vars]` can
 * weaken nothing.
 */
export function readConfig(vars: RoomVars): RoomConfig {
  const read = (
    value: string | undefined,
    fallback: number,
    scale = 1,
    schema: typeof Positive | typeof NonNegative = Positive,
  ) => {
    const parsed = v.safeParse(schema, value);
    return parsed.success && Number.isFinite(parsed.output) ? parsed.output * scale : fallback;
  };
  return {
    ...DEFAULT_CONFIG,
    idleTimeoutMs: read(vars.IDLE_TIMEOUT_SECONDS, DEFAULT_CONFIG.idleTimeoutMs, 1000),
    rateLimitBurst: read(vars.RATE_LIMIT_BURST, DEFAULT_CONFIG.rateLimitBurst),
    rateLimitPerSecond: read(vars.RATE_LIMIT_PER_SECOND, DEFAULT_CONFIG.rateLimitPerSecond),
    maxFrameBytes: Math.floor(read(vars.MAX_FRAME_BYTES, DEFAULT_CONFIG.maxFrameBytes)),
    maxMessageLength: Math.floor(read(vars.MAX_MESSAGE_LENGTH, DEFAULT_CONFIG.maxMessageLength)),
    maxConnections: Math.floor(read(vars.MAX_CONNECTIONS, DEFAULT_CONFIG.maxConnections)),
    maxTabsPerSession: Math.max(1, Math.floor(read(vars.MAX_TABS_PER_SESSION, DEFAULT_CONFIG.maxTabsPerSession))),
    reconnectGraceMs: read(vars.RECONNECT_GRACE_SECONDS, DEFAULT_CONFIG.reconnectGraceMs, 1000, NonNegative),
    joinRatePerMinute: Math.max(1, Math.floor(read(vars.JOIN_RATE_PER_MINUTE, DEFAULT_CONFIG.joinRatePerMinute))),
    searchesPerMinute: Math.max(1, Math.floor(read(vars.SEARCHES_PER_MINUTE, DEFAULT_CONFIG.searchesPerMinute))),
    crowdSize: Math.max(2, Math.floor(read(vars.CROWD_SIZE, DEFAULT_CONFIG.crowdSize))),
    directoryReportMs: read(vars.DIRECTORY_REPORT_SECONDS, DEFAULT_CONFIG.directoryReportMs, 1000),
    // Never fewer than a replay's worth: a join always finds the newest 100 in storage.
    historyMaxMessages: Math.max(
      MAX_HISTORY,
      Math.floor(read(vars.HISTORY_MAX_MESSAGES, DEFAULT_CONFIG.historyMaxMessages)),
    ),
    maxFileBytes: Math.floor(read(vars.MAX_FILE_BYTES, DEFAULT_CONFIG.maxFileBytes)),
    maxRoomFileBytes: Math.floor(read(vars.MAX_ROOM_FILE_BYTES, DEFAULT_CONFIG.maxRoomFileBytes)),
    shardThreshold: Math.max(1, Math.floor(read(vars.SHARD_THRESHOLD, DEFAULT_CONFIG.shardThreshold))),
    maxShards: Math.max(1, Math.floor(read(vars.MAX_SHARDS, DEFAULT_CONFIG.maxShards))),
  };
}
