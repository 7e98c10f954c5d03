import { describe, expect, it } from "vitest";
import { workerUrlIn } from "../../tools/dev-server";

const reload = (port: number) =>
  `[InspectorProxyWorker] handleProxyControllerIncomingMessage {"type":"reloadComplete","proxyData":{"userWorkerUrl":{"protocol":"http:","hostname":"127.0.0.1","port":"${port}"},"liveReload":false}}\n`;

describe("finding the worker past wrangler dev's proxy", () => {
  it("reads the worker's own address from debug output, the newest after a reload", () => {
    expect(workerUrlIn(`starting…\n${reload(44975)}`)).toBe("http://127.0.0.1:44975");
    expect(workerUrlIn(`${reload(44975)}[wrangler:info] Ready\n${reload(45001)}`)).toBe("http://127.0.0.1:45001");
  });

  it("finds nothing in output that does not say", () => {
    expect(workerUrlIn("[wrangler:info] Ready on http://127.0.0.1:8787\n")).toBeUndefined();
  });
});
