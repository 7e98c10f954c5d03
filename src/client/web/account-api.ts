import {
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";

/**
 * The accounts API as the web app uses it: who is signed in, claiming a name
 * with a new passkey, signing in with one, signing out and deleting. The
 * session is an HttpOnly cookie that same-origin requests carry by
 * themselves, so nothing here ever holds it.
 */

/** The signed-in account, as `GET /api/me` and the verify endpoints describe it. */
export interface Account {
  name: string;
  createdAt: number;
  /** How many passkeys the account has. */
  devices: number;
}

/** A refusal from the API: its typed code, its message and the HTTP status. */
export class AccountError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

/** What the API needs from the browser, replaceable in tests. */
export interface AccountDeps {
  fetch(input: string, init?: RequestInit): Promise<Response>;
  startRegistration(options: {
    optionsJSON: PublicKeyCredentialCreationOptionsJSON;
  }): Promise<RegistrationResponseJSON>;
  startAuthentication(options: {
    optionsJSON: PublicKeyCredentialRequestOptionsJSON;
  }): Promise<AuthenticationResponseJSON>;
}

const browserDeps: AccountDeps = {
  fetch: (input, init) => fetch(input, init),
  startRegistration,
  startAuthentication,
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

function isAccount(value: unknown): value is Account {
  return (
    isRecord(value) &&
    typeof value.name === "string" &&
    typeof value.createdAt === "number" &&
    typeof value.devices === "number"
  );
}

/** A ceremony's start: its id and the options to hand to the authenticator. */
interface Ceremony<Options> {
  ceremony: string;
  options: Options;
}

function isCreationCeremony(value: unknown): value is Ceremony<PublicKeyCredentialCreationOptionsJSON> {
  if (!isRecord(value) || typeof value.ceremony !== "string" || !isRecord(value.options)) return false;
  const { challenge, rp, user } = value.options;
  return typeof challenge === "string" && isRecord(rp) && isRecord(user);
}

function isRequestCeremony(value: unknown): value is Ceremony<PublicKeyCredentialRequestOptionsJSON> {
  return isRecord(value) && typeof value.ceremony === "string" && isRecord(value.options)
    ? typeof value.options.challenge === "string"
    : false;
}

/** A one-time link that adds another device to the signed-in account. */
export interface DeviceLink {
  url: string;
  expiresAt: number;
}

/** A link opened on a new device: whose account it adds to, and the ceremony to do it. */
export interface LinkInvite {
  code: string;
  name: string;
  ceremony: Ceremony<PublicKeyCredentialCreationOptionsJSON>;
}

/** A token that is not a browser's: a script's, or a terminal's let in at `/device`. */
export interface ListedToken {
  id: string;
  kind: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A token just made: its secret is here this once, and never again. */
export interface NewToken {
  id: string;
  label: string;
  token: string;
}

function isListedToken(value: unknown): value is ListedToken {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.label === "string" &&
    typeof value.createdAt === "number" &&
    (value.lastUsedAt === null || typeof value.lastUsedAt === "number")
  );
}

export class AccountApi {
  constructor(private readonly deps: AccountDeps = browserDeps) {}

  /** The signed-in account, or null when this browser is anonymous (401). */
  async me(): Promise<Account | null> {
    const response = await this.deps.fetch("/api/me", { headers: { accept: "application/json" } });
    if (response.status === 401) return null;
    return this.#account(response);
  }

  /** Claims `name` for a new account, with a passkey made on this device; signs this browser in. */
  async claim(name: string): Promise<Account> {
    const start = await this.#post("/api/auth/claim/options", { name });
    if (!isCreationCeremony(start)) throw malformed();
    const response = await this.deps.startRegistration({ optionsJSON: start.options });
    return this.#account(await this.#send("/api/auth/claim/verify", { ceremony: start.ceremony, response }));
  }

  /** Signs in with a passkey this device already holds (any account's: the authenticator offers them). */
  async signIn(): Promise<Account> {
    const start = await this.#post("/api/auth/signin/options", {});
    if (!isRequestCeremony(start)) throw malformed();
    const response = await this.deps.startAuthentication({ optionsJSON: start.options });
    return this.#account(await this.#send("/api/auth/signin/verify", { ceremony: start.ceremony, response }));
  }

  /** Makes a one-time link (10 minutes, one use) that adds another device to this account. */
  async makeLink(): Promise<DeviceLink> {
    const body = await this.#post("/api/auth/link", {});
    if (!isRecord(body) || typeof body.url !== "string" || typeof body.expiresAt !== "number") throw malformed();
    return { url: body.url, expiresAt: body.expiresAt };
  }

  /** Opens a link on this device: the account it adds to, or `link_expired`. */
  async openLink(code: string): Promise<LinkInvite> {
    const start = await this.#post("/api/auth/link/options", { code });
    if (!isCreationCeremony(start)) throw malformed();
    const name = start.options.user.name;
    return { code, name, ceremony: start };
  }

  /** Makes a passkey on this device for the link's account; signs this browser in. */
  async useLink(invite: LinkInvite): Promise<Account> {
    const response = await this.deps.startRegistration({ optionsJSON: invite.ceremony.options });
    const body = { code: invite.code, ceremony: invite.ceremony.ceremony, response };
    return this.#account(await this.#send("/api/auth/link/verify", body));
  }

  /** The label of the terminal waiting on `userCode`, before anyone decides; `bad_code` when none is. */
  async checkDevice(userCode: string): Promise<{ label: string }> {
    const body = await this.#post("/api/device/check", { userCode });
    if (!isRecord(body) || typeof body.label !== "string") throw malformed();
    return { label: body.label };
  }

  /** Lets the terminal waiting on `userCode` in as this account, with a session of its own. */
  async approveDevice(userCode: string): Promise<void> {
    await this.#post("/api/device/approve", { userCode });
  }

  /** Refuses the terminal waiting on `userCode`: it is told so, and gets nothing. */
  async denyDevice(userCode: string): Promise<void> {
    await this.#post("/api/device/deny", { userCode });
  }

  /** The account's script tokens and terminals, oldest first. */
  async tokens(): Promise<ListedToken[]> {
    const response = await this.deps.fetch("/api/tokens", { headers: { accept: "application/json" } });
    if (!response.ok) throw await refusal(response);
    const body: unknown = await response.json();
    if (!isRecord(body) || !Array.isArray(body.tokens)) throw malformed();
    return body.tokens.filter(isListedToken).map((token) => ({
      id: token.id,
      kind: typeof token.kind === "string" ? token.kind : "token",
      label: token.label,
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
    }));
  }

  /** Makes a token for a script, named `label`; its secret is in the answer only. */
  async makeToken(label: string): Promise<NewToken> {
    const body = await this.#post("/api/tokens", { label });
    if (!isRecord(body) || typeof body.id !== "string" || typeof body.token !== "string") throw malformed();
    return { id: body.id, label: typeof body.label === "string" ? body.label : label, token: body.token };
  }

  /** Ends one token (or terminal): what it opened in rooms closes. */
  async revokeToken(id: string): Promise<void> {
    await this.#done(await this.deps.fetch(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }));
  }

  /** Ends this browser's session only. */
  async signOut(): Promise<void> {
    await this.#done(await this.#send("/api/auth/signout", undefined));
  }

  /** Ends every session of the account, on every device. */
  async signOutEverywhere(): Promise<void> {
    await this.#done(await this.#send("/api/auth/signout-everywhere", undefined));
  }

  /** Deletes the account: its passkeys and sessions go, and the name is free again. */
  async deleteAccount(): Promise<void> {
    await this.#done(await this.deps.fetch("/api/me", { method: "DELETE" }));
  }

  #send(path: string, body: unknown): Promise<Response> {
    return this.deps.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body ?? {}),
    });
  }

  async #post(path: string, body: unknown): Promise<unknown> {
    const response = await this.#send(path, body);
    if (!response.ok) throw await refusal(response);
    return response.json();
  }

  async #account(response: Response): Promise<Account> {
    if (!response.ok) throw await refusal(response);
    const body: unknown = await response.json();
    if (!isAccount(body)) throw malformed();
    return { name: body.name, createdAt: body.createdAt, devices: body.devices };
  }

  async #done(response: Response): Promise<void> {
    if (!response.ok) throw await refusal(response);
  }
}

const malformed = () => new AccountError("bad_response", "the server answered in a way this page does not know", 0);

/** The typed error a refusal carries, or one made from its status when its body is not that. */
async function refusal(response: Response): Promise<AccountError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, an older server): the status says enough.
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const code = typeof error?.code === "string" ? error.code : `http_${response.status}`;
  const message =
    typeof error?.message === "string" && error.message !== ""
      ? error.message
      : `the server refused (${response.status} ${response.statusText})`.replace(" )", ")");
  // The wait may sit beside the code or beside the error.
  const wait = [error?.retryAfterMs, isRecord(body) ? body.retryAfterMs : undefined].find((v) => typeof v === "number");
  const retry = typeof wait === "number" ? wait : undefined;
  return new AccountError(code, message, response.status, retry);
}
