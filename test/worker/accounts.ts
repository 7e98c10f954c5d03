import { exports } from "cloudflare:workers";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { type AuthenticationTweak, type RegistrationTweak, SoftAuthenticator } from "../account/authenticator";

export const ORIGIN = "http://hallway.test";

let addresses = 0;
/** A client address of its own, so one test's ceremonies do not count against another's rate. */
export function freshAddress(): string {
  addresses += 1;
  return `203.0.113.${addresses % 250}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * A browser as the accounts API sees it: a cookie jar, a client address, and
 * a passkey authenticator of its own (or one shared with another browser, as
 * a synced passkey is).
 */
export class Browser {
  cookie: string | null = null;
  readonly address: string;
  readonly authenticator: SoftAuthenticator;

  constructor(authenticator = new SoftAuthenticator(ORIGIN), address = freshAddress()) {
    this.authenticator = authenticator;
    this.address = address;
  }

  async fetch(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { "CF-Connecting-IP": this.address, ...init.headers };
    if (this.cookie !== null) headers.Cookie = this.cookie;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await exports.default.fetch(`${ORIGIN}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const set = res.headers.get("Set-Cookie");
    if (set !== null) {
      const pair = set.split(";")[0] ?? "";
      this.cookie = pair.endsWith("=") ? null : pair;
    }
    return res;
  }

  async claimOptions(name: string) {
    const res = await this.fetch("/api/auth/claim/options", { body: { name } });
    return {
      res,
      body: res.ok ? await res.json<{ ceremony: string; options: PublicKeyCredentialCreationOptionsJSON }>() : null,
    };
  }

  /** Claims `name` with a new passkey; returns the final response. */
  async claim(name: string, tweak?: RegistrationTweak): Promise<Response> {
    const { res, body } = await this.claimOptions(name);
    if (body === null) return res;
    const response = await this.authenticator.register(body.options, tweak);
    return this.fetch("/api/auth/claim/verify", { body: { ceremony: body.ceremony, response } });
  }

  async signInOptions() {
    const res = await this.fetch("/api/auth/signin/options", { body: {} });
    return res.json<{ ceremony: string; options: PublicKeyCredentialRequestOptionsJSON }>();
  }

  async signIn(tweak?: AuthenticationTweak): Promise<Response> {
    const { ceremony, options } = await this.signInOptions();
    const response = await this.authenticator.authenticate(options, tweak);
    return this.fetch("/api/auth/signin/verify", { body: { ceremony, response } });
  }

  me(): Promise<Response> {
    return this.fetch("/api/me");
  }

  /** This browser's request headers on a socket: its cookie, as a browser sends it on the upgrade. */
  headers(): Record<string, string> {
    return this.cookie === null ? {} : { Cookie: this.cookie };
  }
}

let names = 0;
/** A name nobody in the suite has claimed yet. */
export function freshName(prefix = "u"): string {
  names += 1;
  return `${prefix}${names}${crypto.randomUUID().slice(0, 6)}`.slice(0, 24);
}
