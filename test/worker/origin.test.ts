import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshRoom } from "./client";

describe("origin check with ALLOWED_ORIGINS unset", () => {
  const upgrade = (origin?: string) =>
    exports.default.fetch(`http://hallway.test/chat/${freshRoom()}`, {
      headers: { Upgrade: "websocket", ...(origin ? { Origin: origin } : {}) },
    });

  it("lets the worker's own pages in", async () => {
    const res = await upgrade("http://hallway.test");
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
  });

  it("refuses pages from other origins with 403 JSON", async () => {
    const res = await upgrade("https://elsewhere.example");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden_origin" } });
  });

  it("lets terminal clients, which send no Origin, in", async () => {
    const res = await upgrade();
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
  });
});
