import { describe, expect, it } from "vitest";
import { isOriginAllowed } from "../../src/worker/middleware/origin";

describe("isOriginAllowed", () => {
  const url = "https://hallway.example.workers.dev/chat/lobby";

  it("allows requests without an Origin (terminal clients)", () => {
    expect(isOriginAllowed(undefined, url, undefined)).toBe(true);
    expect(isOriginAllowed(undefined, url, "https://a.example")).toBe(true);
  });

  it("allows only the worker's own origin when unset", () => {
    expect(isOriginAllowed("https://hallway.example.workers.dev", url, undefined)).toBe(true);
    expect(isOriginAllowed("https://evil.example", url, undefined)).toBe(false);
    expect(isOriginAllowed("https://hallway.example.workers.dev", url, "  ")).toBe(true);
  });

  it("matches a list exactly", () => {
    const list = "https://a.example, https://b.example";
    expect(isOriginAllowed("https://b.example", url, list)).toBe(true);
    expect(isOriginAllowed("https://b.example:8443", url, list)).toBe(false);
    expect(isOriginAllowed("https://hallway.example.workers.dev", url, list)).toBe(false);
  });
});
