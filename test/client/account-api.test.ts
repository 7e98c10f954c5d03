import { type AuthenticationResponseJSON, type RegistrationResponseJSON, WebAuthnError } from "@simplewebauthn/browser";
import { describe, expect, it } from "vitest";
import { AccountApi, type AccountDeps, AccountError } from "../../src/client/web/account-api";
import { accountErrorText, claimedNameText, signedOutText } from "../../src/client/web/account-words";

const json = (status: number, body: unknown) =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

const ALICE = { name: "alice", createdAt: 1, devices: 1 };
const REGISTERED: RegistrationResponseJSON = {
  id: "cred",
  rawId: "cred",
  type: "public-key",
  response: { clientDataJSON: "cd", attestationObject: "ao" },
  clientExtensionResults: {},
};
const ASSERTED: AuthenticationResponseJSON = {
  id: "cred",
  rawId: "cred",
  type: "public-key",
  response: { clientDataJSON: "cd", authenticatorData: "ad", signature: "sig" },
  clientExtensionResults: {},
};
const CREATION = { challenge: "c1", rp: { name: "Hallway" }, user: { id: "u", name: "alice", displayName: "alice" } };

/** A browser whose server answers each path from `answers`, recording the calls made. */
function browser(answers: Record<string, () => Response>) {
  const calls: { path: string; method: string; body: unknown }[] = [];
  const ceremonies: string[] = [];
  const deps: AccountDeps = {
    fetch: async (path, init) => {
      calls.push({ path, method: init?.method ?? "GET", body: init?.body ? JSON.parse(String(init.body)) : null });
      const answer = answers[path];
      if (!answer) return json(404, { error: { code: "not_found", message: "no such route" } });
      return answer();
    },
    startRegistration: async ({ optionsJSON }) => {
      ceremonies.push(`register ${optionsJSON.challenge}`);
      return REGISTERED;
    },
    startAuthentication: async ({ optionsJSON }) => {
      ceremonies.push(`authenticate ${optionsJSON.challenge}`);
      return ASSERTED;
    },
  };
  return { api: new AccountApi(deps), calls, ceremonies };
}

describe("the accounts API as the web app calls it", () => {
  it("reads an anonymous browser from a 401, and the account otherwise", async () => {
    const anonymous = browser({ "/api/me": () => json(401, { error: { code: "unauthorized" } }) });
    expect(await anonymous.api.me()).toBeNull();
    const signed = browser({ "/api/me": () => json(200, ALICE) });
    expect(await signed.api.me()).toEqual(ALICE);
  });

  it("claims a name: options for that name, the authenticator, then the verify with the ceremony", async () => {
    const { api, calls, ceremonies } = browser({
      "/api/auth/claim/options": () => json(200, { ceremony: "k1", options: CREATION }),
      "/api/auth/claim/verify": () => json(200, ALICE),
    });
    expect(await api.claim("alice")).toEqual(ALICE);
    expect(calls.map((c) => [c.path, c.method])).toEqual([
      ["/api/auth/claim/options", "POST"],
      ["/api/auth/claim/verify", "POST"],
    ]);
    expect(calls[0]?.body).toEqual({ name: "alice" });
    expect(calls[1]?.body).toEqual({ ceremony: "k1", response: REGISTERED });
    expect(ceremonies).toEqual(["register c1"]);
  });

  it("signs in with a discoverable passkey", async () => {
    const { api, calls, ceremonies } = browser({
      "/api/auth/signin/options": () => json(200, { ceremony: "k2", options: { challenge: "c2" } }),
      "/api/auth/signin/verify": () => json(200, ALICE),
    });
    expect(await api.signIn()).toEqual(ALICE);
    expect(calls[0]?.body).toEqual({});
    expect(calls[1]?.body).toEqual({ ceremony: "k2", response: ASSERTED });
    expect(ceremonies).toEqual(["authenticate c2"]);
  });

  it("refuses a claimed name before the authenticator is asked, with the server's code and words", async () => {
    const { api, ceremonies } = browser({
      "/api/auth/claim/options": () =>
        json(409, { error: { code: "name_claimed", message: "that name belongs to an account" } }),
    });
    const error = await api.claim("alice").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountError);
    expect(error).toMatchObject({ code: "name_claimed", status: 409 });
    expect(accountErrorText(error)).toBe(
      "That name belongs to an account. If it is yours, sign in with a passkey; otherwise pick another name.",
    );
    expect(ceremonies).toEqual([]);
  });

  it("signs out, everywhere, and deletes, each refusal told", async () => {
    const { api, calls } = browser({
      "/api/auth/signout": () => new Response(null, { status: 204 }),
      "/api/auth/signout-everywhere": () => json(401, { error: { code: "unauthorized", message: "not signed in" } }),
      "/api/me": () => new Response(null, { status: 204 }),
    });
    await api.signOut();
    await expect(api.signOutEverywhere()).rejects.toMatchObject({ code: "unauthorized" });
    await api.deleteAccount();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /api/auth/signout",
      "POST /api/auth/signout-everywhere",
      "DELETE /api/me",
    ]);
  });
});

describe("account errors in words", () => {
  it("says a wait in seconds, a cancelled prompt, an unreachable server and a body that is not an error", async () => {
    expect(accountErrorText(new AccountError("rate_limited", "slow down", 429, 2500))).toBe(
      "Too many tries from here: try again in 3 s.",
    );
    const cancelled = new WebAuthnError({
      message: "aborted",
      code: "ERROR_CEREMONY_ABORTED",
      cause: new Error("x"),
      name: "AbortError",
    });
    expect(accountErrorText(cancelled)).toMatch(/cancelled or timed out/);
    expect(accountErrorText(new TypeError("Failed to fetch"))).toMatch(/Could not reach the server/);
    const { api } = browser({ "/api/auth/signin/options": () => new Response("<html>", { status: 502 }) });
    const error = await api.signIn().catch((e: unknown) => e);
    expect(accountErrorText(error)).toBe("The server refused (502).");
    expect(signedOutText("this account was signed out everywhere")).toBe("This account was signed out everywhere.");
    expect(claimedNameText("alice")).toMatch(/^“alice” belongs to an account\. If it is yours, sign in with a passkey/);
  });
});
