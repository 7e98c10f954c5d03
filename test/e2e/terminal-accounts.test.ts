import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { CliProcess } from "./cli-process";

/**
 * The terminal client and accounts, as a person meets them: a name claimed
 * with a passkey (a software one, over HTTP, as the web app would), then
 * `hallway login` approved from that signed-in "browser", a join that shows
 * the mark, and `hallway logout` revoking the token on the server.
 */

let server: DevServer;
/** The server as the browser and the terminal name it: the relying party's origin comes from this host. */
let base: string;
let config: string;
const running: CliProcess[] = [];
const room = (name: string) => `${name}-${Date.now().toString(36)}`;
const fresh = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 8)}`;

/** The client as a child, with its credentials in this test's own folder (and HALLWAY_TOKEN when given). */
function hallway(args: string[], env: Record<string, string> = {}): CliProcess {
  const saved = { ...process.env };
  // CliProcess hands the child this process's environment, as it is when the child starts.
  Object.assign(process.env, { XDG_CONFIG_HOME: config, ...env });
  try {
    const cli = new CliProcess(args);
    running.push(cli);
    return cli;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

interface Authenticator {
  register(options: PublicKeyCredentialCreationOptionsJSON): Promise<unknown>;
}

/**
 * The software passkey of the worker tests. It is written against the
 * Workers' types, which this project's DOM types do not accept, so it is
 * loaded by address: the worker tests check its types, not this one.
 */
async function softAuthenticator(origin: string): Promise<Authenticator> {
  const address = new URL("../account/authenticator.ts", import.meta.url).href;
  const loaded = (await import(address)) as { SoftAuthenticator: new (origin: string) => Authenticator };
  return new loaded.SoftAuthenticator(origin);
}

/** A browser signed in to a freshly claimed account: its session cookie. */
async function claim(name: string): Promise<string> {
  const authenticator = await softAuthenticator(base);
  const headers = { "Content-Type": "application/json", Origin: base };
  const started = await fetch(`${base}/api/auth/claim/options`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name }),
  });
  expect(started.status).toBe(200);
  const { ceremony, options } = (await started.json()) as {
    ceremony: string;
    options: PublicKeyCredentialCreationOptionsJSON;
  };
  const response = await authenticator.register(options);
  const verified = await fetch(`${base}/api/auth/claim/verify`, {
    method: "POST",
    headers,
    body: JSON.stringify({ ceremony, response }),
  });
  expect(verified.status).toBe(200);
  const cookie = verified.headers.get("Set-Cookie")?.split(";")[0];
  expect(cookie).toMatch(/^(__Host-)?hallway_session=/);
  return cookie ?? "";
}

function credentials(): Record<string, { token: string; name: string; savedAt: string }> {
  return JSON.parse(readFileSync(join(config, "hallway", "credentials.json"), "utf8"));
}

const me = (token: string) => fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  server = await startDevServer();
  base = `http://localhost:${server.port}`;
  config = mkdtempSync(join(tmpdir(), "hallway-config-"));
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
});

afterAll(async () => {
  await server?.stop();
  if (config) rmSync(config, { recursive: true, force: true });
});

describe("the terminal client with an account", () => {
  it("logs in by the device flow, joins with the mark, and logs out, which revokes the token", async () => {
    const name = fresh("ann");
    const cookie = await claim(name);

    const login = hallway(["login", base]);
    const link = await login.waitForLine(/\/device\?code=[A-Z]{4}-[A-Z]{4}/);
    const userCode = /[A-Z]{4}-[A-Z]{4}/.exec(link)?.[0] ?? "";
    expect(login.lines.join("\n")).toContain(`${base}/device?code=${userCode}`);
    const approved = await fetch(`${base}/api/device/approve`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: base, Cookie: cookie },
      body: JSON.stringify({ userCode }),
    });
    expect(approved.status).toBe(200);
    expect(await login.exited).toBe(0);
    await login.waitForLine(new RegExp(`Signed in to ${base} as ${name}\\.`));

    const file = join(config, "hallway", "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = credentials()[base];
    expect(stored?.name).toBe(name);
    const token = stored?.token ?? "";
    expect(login.lines.join("\n") + login.stderr).not.toContain(token);
    expect((await me(token)).status).toBe(200);

    const r = room("acct");
    const chat = hallway([base, "--room", r]);
    await chat.waitForLine(new RegExp(`^\\* joined #${r} as ${name} ✓`));
    chat.type("hello, it is really me");
    await chat.waitForLine(new RegExp(`<${name} ✓> hello, it is really me$`));
    chat.endInput();
    expect(await chat.exited).toBe(0);

    const logout = hallway(["logout", base]);
    expect(await logout.exited).toBe(0);
    await logout.waitForLine(/revoked and forgotten/);
    expect(credentials()[base]).toBeUndefined();
    expect((await me(token)).status).toBe(401);
  });

  it("signs a script in with HALLWAY_TOKEN or --token, and tells an anonymous join of the name to log in", async () => {
    const name = fresh("bot");
    const cookie = await claim(name);
    const made = await fetch(`${base}/api/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: base, Cookie: cookie },
      body: JSON.stringify({ label: "deploy bot" }),
    });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    const r = room("bots");

    const bot = hallway([base, "--room", r, "--username", "someone-else"], { HALLWAY_TOKEN: token });
    await bot.waitForLine(new RegExp(`^\\* joined #${r} as ${name} ✓`));
    await bot.waitForStderr(new RegExp(`signed in as ${name}; --username someone-else is not used`));
    bot.type("deploy is done");
    await bot.waitForLine(new RegExp(`<${name} ✓> deploy is done$`));

    const flagged = hallway([base, "--room", r, "--token", token]);
    await flagged.waitForLine(new RegExp(`^\\* joined #${r} as ${name} ✓`));
    flagged.type("/users");
    await flagged.waitForLine(new RegExp(`^\\* 1 here: ${name} ✓`));

    const impostor = hallway([base, "--room", r, "--username", name]);
    expect(await impostor.exited).toBe(1);
    expect(impostor.stderr).toContain(
      "name_claimed: that name belongs to an account: run `hallway login` or pick another name",
    );
    expect(bot.stderr + flagged.stderr).not.toContain(token);
  });

  it("says the session ended and exits 1 when the account signs out everywhere", async () => {
    const name = fresh("cat");
    const cookie = await claim(name);
    const r = room("ended");
    const chat = hallway([base, "--room", r], { HALLWAY_TOKEN: cookie.replace(/^[^=]+=/, "") });
    await chat.waitForLine(new RegExp(`^\\* joined #${r} as ${name} ✓`));
    const everywhere = await fetch(`${base}/api/auth/signout-everywhere`, {
      method: "POST",
      headers: { Origin: base, Cookie: cookie },
    });
    expect(everywhere.status).toBe(204);
    expect(await chat.exited).toBe(1);
    expect(chat.stderr).toMatch(/hallway: signed out: this account's sessions were ended.*hallway login/);
  });
});
