import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("npm run bench", () => {
  it("runs a small load against the room and the floor and reports sane figures", async () => {
    const small =
      "-n 12 -k 3 -t 1 -w 0.5 --storm 30 --storm-history 20 --reconnect 20 --reconnect-rounds 1 --settle 0 --json".split(
        " ",
      );
    const { stdout } = await run(process.execPath, ["dist/bench.mjs", ...small], {
      cwd: process.cwd(),
      timeout: 150_000,
    });
    const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
    for (const side of [report.room, report.floor]) {
      expect(side.sentPerSec).toBeGreaterThan(0);
      expect(side.deliveredPerSec).toBeGreaterThanOrEqual(side.sentPerSec);
      expect(side.deliveryRatio).toBeGreaterThan(0.9);
      expect(side.deliveryRatio).toBeLessThanOrEqual(1);
      expect(side.p50Ms).toBeGreaterThan(0);
      expect(side.p99Ms).toBeGreaterThanOrEqual(side.p50Ms);
      expect(side.connectP99Ms).toBeGreaterThanOrEqual(side.connectP50Ms);
      expect(side.stormMs).toBeGreaterThan(0);
      // Read from /proc: the worker's runtime and the load generator both work in every storm.
      expect(side.stormCpuMs.worker).toBeGreaterThan(0);
      expect(side.stormCpuMs.load).toBeGreaterThan(0);
    }
    // Twenty clients dropped and came back at once, once asking for the people list and once not.
    const { asking, silent } = report.reconnect;
    expect(report.reconnect.clients).toBe(20);
    for (const kind of [asking, silent]) {
      expect(kind.ms).toBeGreaterThan(0);
      expect(kind.cpuMs.worker).toBeGreaterThan(0);
    }
    // Each list names the 20 (the web app asks for 100), about 60 bytes a name.
    expect(asking.usersKiB).toBeGreaterThan(1);
    expect(silent.usersKiB).toBe(0);
    expect(report.floor.messagesPerFrame).toBe(1);
    expect(report.room.messagesPerFrame).toBeGreaterThanOrEqual(1);
    expect(report.ratios.deliveredPerSec).toBeGreaterThan(0);
    expect(report.clients).toBe(12);
    // Clients offer compression by default, as browsers do, and the runtime accepts it.
    expect(report.compression).toBe("on");
    expect(report.room.compressedClients).toBe(12);
    expect(report.floor.compressedClients).toBe(12);
  }, 180_000);
});
