import { describe, expect, it } from "vitest";
import {
  type DirectoryEntry,
  NO_REPORTS,
  planReport,
  type ReportLog,
  reported,
} from "../../src/room/core/directory-report";

const INTERVAL = 10_000;
const t0 = 1_000_000;
const entry: DirectoryEntry = { room: "lobby", topic: "hi", userCount: 3, lastMessageAt: t0 - 5 };

describe("a listed room's reports to the directory", () => {
  it("go out at once for the first change, then at most once per interval however busy the room", () => {
    expect(planReport(entry, NO_REPORTS, t0, INTERVAL)).toEqual({ due: t0, send: { entry } });
    const log = reported(NO_REPORTS, entry, true, t0, INTERVAL);
    const busier = { ...entry, userCount: 4, lastMessageAt: t0 + 1000 };
    expect(planReport(busier, log, t0 + 1000, INTERVAL)).toEqual({ due: t0 + INTERVAL, send: null });
    expect(planReport(busier, log, t0 + 9_999, INTERVAL).send).toBeNull();
    expect(planReport(busier, log, t0 + INTERVAL, INTERVAL)).toEqual({ due: t0 + INTERVAL, send: { entry: busier } });
  });

  it("owe nothing when nothing changed, so an idle room is never woken", () => {
    const log = reported(NO_REPORTS, entry, true, t0, INTERVAL);
    expect(planReport({ ...entry }, log, t0 + 3_600_000, INTERVAL)).toEqual({ due: null, send: null });
    expect(planReport(null, NO_REPORTS, t0, INTERVAL)).toEqual({ due: null, send: null });
  });

  it("remove an unlisted room's entry at once, without waiting for the interval", () => {
    const log = reported(NO_REPORTS, entry, true, t0, INTERVAL);
    expect(planReport(null, log, t0 + 1, INTERVAL)).toEqual({ due: t0 + 1, send: { entry: null } });
    expect(reported(log, null, true, t0 + 1, INTERVAL).reported).toBeNull();
  });

  it("that fail are tried again an interval later, and a change meanwhile goes with the retry", () => {
    const failed: ReportLog = reported(NO_REPORTS, entry, false, t0, INTERVAL);
    expect(failed).toEqual({ reported: null, at: 0, retryAt: t0 + INTERVAL });
    expect(planReport(entry, failed, t0 + 1, INTERVAL)).toEqual({ due: t0 + INTERVAL, send: null });
    const changed = { ...entry, topic: "new" };
    expect(planReport(changed, failed, t0 + INTERVAL, INTERVAL).send).toEqual({ entry: changed });
  });

  it("keep every entry within the interval of the room: a change is never due later than one interval after it", () => {
    let log: ReportLog = NO_REPORTS;
    for (let now = t0; now < t0 + 120_000; now += 700) {
      const current = { ...entry, lastMessageAt: now };
      const plan = planReport(current, log, now, INTERVAL);
      expect(plan.due).not.toBeNull();
      expect((plan.due ?? 0) - now).toBeLessThanOrEqual(INTERVAL);
      if (plan.send) {
        expect(now - log.at).toBeGreaterThanOrEqual(log.at === 0 ? 0 : INTERVAL);
        log = reported(log, current, true, now, INTERVAL);
      }
    }
  });
});
