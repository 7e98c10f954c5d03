import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Fetch } from "../../src/client/cli/account-http";
import { CredentialStore } from "../../src/client/cli/credentials";
import { login, terminalLabel } from "../../src/client/cli/login";
import { logout } from "../../src/client/cli/logout";

const SERVER = "http://localhost:8787";
const TOKEN = `${"c".repeat(64)}.${"T".repeat(43)}`;
const START = {
  deviceCode: "device-code-secret",
  userCode: "WXYZ-KLMN",
  verificationUri: `${SERVER}/device`,
  verificationUriComplete: `${SERVER}/device?code=WXYZ-KLMN`,
  expiresIn: 600,
  interval: 2,
};

const folders: string[] = [];
function store(): CredentialStore {
  const path = mkdtempSync(join(tmpdir(), "hallway-login-"));
  folders.push(path);
  return new CredentialStore(join(path, "hallway", "credentials.json"));
}

afterEach(() => {
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const refusal = (code: string) => json(400, { error: { code, message: code.replace("_", " ") } });

/**
 * A server answering the device flow from a script of token answers, on a
 * clock that only moves when the client sleeps. Records every request.
 */
function server(tokenAnswers: (() => Response)[], start: object = START) {
  let clock = 1_000_000;
  const requests: { path: string; body: unknown; headers: Record<string, string>; at: number }[] = [];
  const sleeps: number[] = [];
  const fetch: Fetch = async (url, init) => {
    const path = new URL(url).pathname;
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ path, body, headers: init.headers as Record<string, string>, at: clock });
    if (path === "/api/device/start") return json(200, start);
    if (path === "/api/device/token") return (tokenAnswers.shift() ?? (() => refusal("authorization_pending")))();
    return json(404, { error: { code: "not_found", message: "no" } });
  };
  const out: string[] = [];
  const err: string[] = [];
  const deps = (s: CredentialStore) => ({
    fetch,
    store: s,
    label: "terminal on test",
    now: () => clock,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  return { deps, io, requests, sleeps, out, err };
}

describe("hallway login", () => {
  it("prints the code and the link, polls every interval, and saves the token (0600) without printing it", async () => {
    const s = store();
    const flow = server([
      () => refusal("authorization_pending"),
      () => refusal("authorization_pending"),
      () => json(200, { token: TOKEN, name: "alice" }),
    ]);
    expect(await login(SERVER, flow.io, flow.deps(s))).toBe(0);
    const said = flow.out.join("\n");
    expect(said).toContain(`${SERVER}/device?code=WXYZ-KLMN`);
    expect(said).toContain("WXYZ-KLMN");
    expect(said).toMatch(/Signed in to http:\/\/localhost:8787 as alice/);
    expect([...flow.out, ...flow.err].join("\n")).not.toContain(TOKEN);
    expect(flow.requests[0]).toMatchObject({ path: "/api/device/start", body: { label: "terminal on test" } });
    expect(flow.requests.slice(1).map((r) => r.body)).toEqual(Array(3).fill({ deviceCode: "device-code-secret" }));
    expect(flow.sleeps).toEqual([2000, 2000, 2000]);
    expect(s.get(SERVER)).toMatchObject({ token: TOKEN, name: "alice" });
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
  });

  it("revokes the token an earlier login to the same server saved, once the new one is kept", async () => {
    const s = store();
    const earlier = `${"9".repeat(64)}.${"E".repeat(43)}`;
    s.save(SERVER, { token: earlier, name: "alice" });
    const flow = server([() => json(200, { token: TOKEN, name: "alice" })]);
    expect(await login(SERVER, flow.io, flow.deps(s))).toBe(0);
    expect(s.get(SERVER)?.token).toBe(TOKEN);
    const signout = flow.requests.find((r) => r.path === "/api/auth/signout");
    expect(signout?.headers).toMatchObject({ Authorization: `Bearer ${earlier}` });
  });

  it("labels the terminal by its host, within the 60 characters the server takes", () => {
    expect(terminalLabel("laptop")).toBe("terminal on laptop");
    expect([...terminalLabel("h".repeat(200))]).toHaveLength(60);
  });

  it("waits 5 s longer after each slow_down, as the device flow asks", async () => {
    const flow = server([
      () => refusal("slow_down"),
      () => refusal("slow_down"),
      () => json(200, { token: TOKEN, name: "a" }),
    ]);
    expect(await login(SERVER, flow.io, flow.deps(store()))).toBe(0);
    expect(flow.sleeps).toEqual([2000, 7000, 12000]);
  });

  it("stops with exit 1 and says so when the person refuses in the browser", async () => {
    const s = store();
    const flow = server([() => refusal("access_denied")]);
    expect(await login(SERVER, flow.io, flow.deps(s))).toBe(1);
    expect(flow.err.join("\n")).toMatch(/denied in the browser/);
    expect(s.read()).toEqual({});
  });

  it("stops with exit 1 when the server says the code expired", async () => {
    const flow = server([() => refusal("expired_token")]);
    expect(await login(SERVER, flow.io, flow.deps(store()))).toBe(1);
    expect(flow.err.join("\n")).toMatch(/code expired.*hallway login again/);
  });

  it("gives up on its own once expiresIn has passed, without a poll after it", async () => {
    const flow = server([], { ...START, expiresIn: 7, interval: 2 });
    expect(await login(SERVER, flow.io, flow.deps(store()))).toBe(1);
    expect(flow.err.join("\n")).toMatch(/code expired/);
    const polls = flow.requests.filter((r) => r.path === "/api/device/token");
    expect(polls).toHaveLength(3);
    expect(polls.every((p) => p.at < 1_000_000 + 7000)).toBe(true);
  });

  it("keeps waiting through a blip, saying once that the server could not be reached", async () => {
    const down = () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    };
    const flow = server([down, down, () => json(200, { token: TOKEN, name: "alice" })]);
    expect(await login(SERVER, flow.io, flow.deps(store()))).toBe(0);
    expect(flow.err.filter((l) => l.includes("could not reach"))).toHaveLength(1);
  });

  it("exits 1 with the reason when the server cannot be reached at all", async () => {
    const flow = server([]);
    const deps = {
      ...flow.deps(store()),
      fetch: async () => {
        throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
      },
    };
    expect(await login(SERVER, flow.io, deps)).toBe(1);
    expect(flow.err.join("\n")).toMatch(/could not reach http:\/\/localhost:8787: ECONNREFUSED/);
  });
});

describe("hallway logout", () => {
  it("revokes the token on the server with it as a bearer, then forgets it", async () => {
    const s = store();
    s.save(SERVER, { token: TOKEN, name: "alice" });
    s.save("https://other.example", { token: TOKEN, name: "al" });
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch: Fetch = async (url, init) => {
      seen.push({ url, init });
      return new Response(null, { status: 204 });
    };
    const out: string[] = [];
    expect(await logout(SERVER, { out: (l) => out.push(l), err: () => {} }, { fetch, store: s })).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(`${SERVER}/api/auth/signout`);
    expect(seen[0]?.init.method).toBe("POST");
    expect(seen[0]?.init.headers).toMatchObject({ Authorization: `Bearer ${TOKEN}` });
    expect(s.get(SERVER)).toBeUndefined();
    expect(s.get("https://other.example")).toBeDefined();
    expect(out.join("\n")).toMatch(/revoked and forgotten/);
    expect(out.join("\n")).not.toContain(TOKEN);
  });

  it("forgets the token even when the server cannot be reached, and says it was not revoked", async () => {
    const s = store();
    s.save(SERVER, { token: TOKEN, name: "alice" });
    const err: string[] = [];
    const fetch: Fetch = async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    };
    expect(await logout(SERVER, { out: () => {}, err: (l) => err.push(l) }, { fetch, store: s })).toBe(1);
    expect(s.get(SERVER)).toBeUndefined();
    expect(err.join("\n")).toMatch(/forgotten here, but the server did not revoke it/);
  });

  it("has nothing to do when this terminal is not signed in to that server", async () => {
    const out: string[] = [];
    const fetch: Fetch = async () => {
      throw new Error("not called");
    };
    expect(await logout(SERVER, { out: (l) => out.push(l), err: () => {} }, { fetch, store: store() })).toBe(0);
    expect(out.join("\n")).toMatch(/Not signed in/);
  });
});
