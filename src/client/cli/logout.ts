import { type Fetch, post } from "./account-http";
import { type CredentialStore, CredentialsError } from "./credentials";
import type { AccountIo } from "./login";

/**
 * `hallway logout`: ends the stored token's session on the server, then
 * forgets it here. Forgetting happens whatever the server says: a person who
 * logs out on a train still wants the token off this disk. When the server
 * could not revoke it, they are told so, since the token then keeps working
 * until it is revoked from the web app; the exit status is 1.
 */
export async function logout(server: string, io: AccountIo, deps: { fetch: Fetch; store: CredentialStore }) {
  let stored: ReturnType<CredentialStore["get"]>;
  try {
    stored = deps.store.get(server);
  } catch (error) {
    io.err(`hallway: ${error instanceof CredentialsError ? error.message : (error as Error).message}`);
    return 1;
  }
  if (stored === undefined) {
    io.out(`Not signed in to ${server}; nothing to do.`);
    return 0;
  }
  const answer = await post(deps.fetch, server, "/api/auth/signout", undefined, stored.token);
  deps.store.forget(server);
  // 401: the session had already ended (signed out everywhere, or the account deleted): nothing left to revoke.
  if (answer.kind === "ok" || (answer.kind === "refused" && answer.status === 401)) {
    io.out(`Signed out of ${server} (${stored.name}); the token is revoked and forgotten.`);
    return 0;
  }
  const why =
    answer.kind === "unreachable" ? `could not reach it: ${answer.reason}` : `${answer.code}: ${answer.message}`;
  io.err(
    `hallway: the token was forgotten here, but the server did not revoke it (${why}); ` +
      `it stays valid until you revoke it from the web app's list of tokens`,
  );
  return 1;
}
