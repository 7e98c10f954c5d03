import { type Fetch, post } from "./account-http";
import { type CredentialStore, CredentialsError } from "./credentials";
import { isToken } from "./token-choice";

/** Where `hallway login` and `hallway logout` talk to the person: results on stdout, problems on stderr. */
export interface AccountIo {
  out(line: string): void;
  err(line: string): void;
}

export interface LoginDeps {
  fetch: Fetch;
  sleep(ms: number): Promise<void>;
  now(): number;
  store: CredentialStore;
  /** What the approval page shows, so the person knows which terminal asks. */
  label: string;
}

interface DeviceStart {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
}

function deviceStart(body: unknown): DeviceStart | null {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (k: string) => typeof b[k] === "string";
  const count = (k: string) => typeof b[k] === "number" && Number.isFinite(b[k]) && b[k] > 0;
  const fits = ["deviceCode", "userCode", "verificationUri", "verificationUriComplete"].every(text);
  return fits && count("expiresIn") && count("interval") ? (b as unknown as DeviceStart) : null;
}

/** The longest label the server takes. */
const MAX_LABEL = 60;

/** `terminal on <host>`, cut to what the server takes, by whole characters. */
export function terminalLabel(host: string): string {
  const label = `terminal on ${host.trim() || "an unnamed host"}`;
  return [...label].slice(0, MAX_LABEL).join("");
}

/** RFC 8628's step: after `slow_down`, every later poll waits this much longer. */
const SLOW_DOWN_MS = 5_000;

function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 2 ? `${m} minutes` : `${seconds} seconds`;
}

/**
 * `hallway login`: the device flow. The server hands out a short code; the
 * person approves it in a browser where they are signed in; meanwhile this
 * polls at the server's pace until it gets the token, the person refuses, or
 * the code runs out. Resolves with the exit status.
 */
export async function login(server: string, io: AccountIo, deps: LoginDeps): Promise<number> {
  const started = await post(deps.fetch, server, "/api/device/start", { label: deps.label });
  if (started.kind === "unreachable") {
    io.err(`hallway: could not reach ${server}: ${started.reason}`);
    return 1;
  }
  if (started.kind === "refused") {
    const hint = started.status === 404 ? " (does this server have accounts?)" : "";
    io.err(`hallway: ${server} would not start a sign-in: ${started.code}: ${started.message}${hint}`);
    return 1;
  }
  const start = deviceStart(started.body);
  if (start === null) {
    io.err(`hallway: ${server} answered the sign-in in a way this client does not understand`);
    return 1;
  }

  io.out(`To sign in to ${server}, open this link in a browser where you are signed in to Hallway:`);
  io.out("");
  io.out(`    ${start.verificationUriComplete}`);
  io.out("");
  io.out(`Check that the page shows the code ${start.userCode}, then approve it.`);
  io.out(`(Or open ${start.verificationUri} and type the code ${start.userCode}.)`);
  io.out(`Waiting for your approval; the code expires in ${minutes(start.expiresIn)}…`);

  const deadline = deps.now() + start.expiresIn * 1000;
  let interval = start.interval * 1000;
  let saidUnreachable = false;
  for (;;) {
    await deps.sleep(Math.min(interval, Math.max(0, deadline - deps.now())));
    if (deps.now() >= deadline) {
      io.err("hallway: the code expired before it was approved; run hallway login again");
      return 1;
    }
    const answer = await post(deps.fetch, server, "/api/device/token", { deviceCode: start.deviceCode });
    if (answer.kind === "unreachable") {
      // A blip while waiting is not the end: the code is still good until it expires.
      if (!saidUnreachable) io.err(`* could not reach ${server} (${answer.reason}); still trying`);
      saidUnreachable = true;
      continue;
    }
    saidUnreachable = false;
    if (answer.kind === "ok") return saved(server, answer.body, io, deps);
    switch (answer.code) {
      case "authorization_pending":
        continue;
      case "slow_down":
        interval += SLOW_DOWN_MS;
        continue;
      case "expired_token":
        io.err("hallway: the code expired before it was approved; run hallway login again");
        return 1;
      case "access_denied":
        io.err("hallway: the sign-in was denied in the browser; this terminal is not signed in");
        return 1;
      default:
        io.err(`hallway: the sign-in failed: ${answer.code}: ${answer.message}`);
        return 1;
    }
  }
}

/**
 * Keeps the token the approval gave; says where, never what. A token it
 * replaces (an earlier login to the same server) is revoked, so no session
 * lingers on the server that nothing here can use or end any more.
 */
async function saved(server: string, body: unknown, io: AccountIo, deps: LoginDeps): Promise<number> {
  const { store } = deps;
  const { token, name } = (body ?? {}) as { token?: unknown; name?: unknown };
  if (typeof token !== "string" || !isToken(token) || typeof name !== "string") {
    io.err(`hallway: ${server} approved the sign-in but sent no token this client understands`);
    return 1;
  }
  let earlier: string | undefined;
  try {
    earlier = store.get(server)?.token;
    store.save(server, { token, name });
  } catch (error) {
    const why = error instanceof CredentialsError ? error.message : (error as Error).message;
    io.err(`hallway: signed in, but the token could not be saved: ${why}`);
    return 1;
  }
  if (earlier !== undefined && earlier !== token) {
    await post(deps.fetch, server, "/api/auth/signout", undefined, earlier);
  }
  io.out(`Signed in to ${server} as ${name}. The token is saved in ${store.path}.`);
  io.out(`Rooms on this server now give you your name with its mark; hallway logout signs this terminal out.`);
  return 0;
}
