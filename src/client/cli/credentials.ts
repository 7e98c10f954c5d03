import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/**
 * Where `hallway login` keeps its tokens: one JSON file, a map from a
 * server's origin (`https://hallway.example.workers.dev`) to the token that
 * signs this terminal in there. The token is a session of the account, as
 * good as its passkey until it is revoked, so the file is the owner's alone
 * (0600, in a 0700 folder), and nothing here ever prints it.
 */

export interface StoredToken {
  token: string;
  /** The account's name, as the server gave it. */
  name: string;
  /** When it was saved, ISO 8601. */
  savedAt: string;
}

export type CredentialMap = Record<string, StoredToken>;

/** Read access is not enough: these bits must be off on the file. */
const OTHERS = 0o077;

/**
 * `$XDG_CONFIG_HOME/hallway/credentials.json`, or `~/.config/hallway/credentials.json`
 * when it is unset, empty, or relative (which the XDG rules say to ignore).
 */
export function credentialsPath(env: Record<string, string | undefined>, home: string = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  const config = xdg && isAbsolute(xdg) ? xdg : join(home, ".config");
  return join(config, "hallway", "credentials.json");
}

/** The key a server is stored under: its HTTP origin, whichever scheme the command line used for it. */
export function serverKey(url: string): string {
  const parsed = new URL(url.includes("://") ? url : `http://${url}`);
  const scheme = { "ws:": "http:", "wss:": "https:" }[parsed.protocol] ?? parsed.protocol;
  return `${scheme}//${parsed.host}`;
}

/** The file is there but is not a map this client wrote: say so rather than overwrite other servers' tokens. */
export class CredentialsError extends Error {}

function isStoredToken(value: unknown): value is StoredToken {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.token === "string" && typeof entry.name === "string" && typeof entry.savedAt === "string";
}

export class CredentialStore {
  constructor(readonly path: string) {}

  /** Every server's token; an empty map when there is no file yet. */
  read(): CredentialMap {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new CredentialsError(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CredentialsError(`${this.path} is not valid JSON; remove it and run hallway login again`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new CredentialsError(`${this.path} is not a map of servers; remove it and run hallway login again`);
    }
    const map: CredentialMap = {};
    for (const [server, entry] of Object.entries(parsed)) {
      if (isStoredToken(entry)) map[server] = entry;
    }
    return map;
  }

  get(server: string): StoredToken | undefined {
    return this.read()[serverKey(server)];
  }

  save(server: string, token: { token: string; name: string }, now = new Date()): void {
    const map = this.read();
    map[serverKey(server)] = { token: token.token, name: token.name, savedAt: now.toISOString() };
    this.#write(map);
  }

  /** Forgets the server's token; false when there was none. */
  forget(server: string): boolean {
    const map = this.read();
    const key = serverKey(server);
    if (!(key in map)) return false;
    delete map[key];
    this.#write(map);
    return true;
  }

  /**
   * Writes the whole map to a temporary file created 0600 in the same folder,
   * then renames it over the old one: a reader never sees half a file, and
   * the tokens are never readable by others, not even for a moment.
   */
  #write(map: CredentialMap): void {
    const folder = dirname(this.path);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    try {
      writeFileSync(temporary, `${JSON.stringify(map, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      chmodSync(temporary, 0o600);
      renameSync(temporary, this.path);
    } finally {
      rmSync(temporary, { force: true });
    }
    const mode = statSync(this.path).mode;
    if ((mode & OTHERS) !== 0) {
      throw new CredentialsError(`${this.path} is readable by others (mode ${(mode & 0o777).toString(8)})`);
    }
  }
}
