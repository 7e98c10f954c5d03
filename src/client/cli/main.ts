import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { CredentialStore, CredentialsError, credentialsPath, serverKey } from "./credentials";
import { type AccountIo, login, terminalLabel } from "./login";
import { logout } from "./logout";
import { buildProgram, readOptions } from "./options";
import { runTerminal } from "./run-terminal";
import { chooseToken, isToken } from "./token-choice";

/** `hallway`: the terminal client on this process's streams; the exit status is the run's. */
const store = new CredentialStore(credentialsPath(process.env));
const io: AccountIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
let account: Promise<number> | undefined;
const program = buildProgram({
  login: (server) => {
    account = login(server, io, { fetch, sleep, now: Date.now, store, label: terminalLabel(hostname()) });
  },
  logout: (server) => {
    account = logout(server, io, { fetch, store });
  },
});
program.parse();
process.exit(account ? await account : await chat());

async function chat(): Promise<number> {
  const options = readOptions(program);
  let stored: ReturnType<CredentialStore["get"]>;
  try {
    stored = store.get(serverKey(options.origin));
  } catch (error) {
    // A broken file costs the sign-in, not the chat.
    const why = error instanceof CredentialsError ? error.message : (error as Error).message;
    io.err(`* saved sign-in not used: ${why}`);
  }
  const variable = process.env.HALLWAY_TOKEN;
  if (!options.token && variable?.trim() && !isToken(variable.trim())) {
    io.err("hallway: HALLWAY_TOKEN is not a Hallway token (64 hex digits, a dot, 43 more characters)");
    return 1;
  }
  options.signIn = chooseToken(options.token, variable, stored);
  return runTerminal(options, process);
}
