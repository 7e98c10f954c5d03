import type { Account, AccountApi } from "../account-api";
import { accountErrorText } from "../account-words";
import { $ } from "../dom";
import { verifiedMark } from "../verified-mark";

/**
 * The start screen's account: signing in with a passkey, or, once signed in,
 * who you are (the name field then shows the account's name, which every
 * room uses), signing out here or everywhere, and deleting the account after
 * a second question. Whatever goes wrong is said in words under the buttons.
 */
export class AccountPane {
  #account: Account | null = null;
  /** Counts loads, so an answer to an older `GET /api/me` never undoes a newer sign-in or sign-out. */
  #generation = 0;

  constructor(
    private readonly api: AccountApi,
    private readonly changed: (account: Account | null) => void,
  ) {
    this.#on("signin", async () => {
      const account = await this.api.signIn();
      this.set(account);
      this.#status(`Signed in as ${account.name}.`);
    });
    this.#on("signout", async () => {
      await this.api.signOut();
      this.set(null);
      this.#status("Signed out on this device.");
    });
    this.#on("signout-all", async () => {
      await this.api.signOutEverywhere();
      this.set(null);
      this.#status("Signed out on every device.");
    });
    $("delete-account").addEventListener("click", () => this.#confirmDelete(true));
    $("delete-no").addEventListener("click", () => this.#confirmDelete(false));
    this.#on("delete-yes", async () => {
      const name = this.#account?.name ?? "";
      await this.api.deleteAccount();
      this.set(null);
      this.#status(`Account deleted: “${name}” is free for anyone now.`);
    });
  }

  get account(): Account | null {
    return this.#account;
  }

  /**
   * Asks the server who this browser is. Anything but an account reads as
   * anonymous, the default: a server without accounts answers too.
   */
  async load(): Promise<void> {
    const mine = ++this.#generation;
    let account: Account | null = null;
    try {
      account = await this.api.me();
    } catch {
      account = null;
    }
    if (mine === this.#generation) this.set(account);
  }

  set(account: Account | null): void {
    this.#generation++;
    this.#account = account;
    this.render();
    this.changed(account);
  }

  render(): void {
    const account = this.#account;
    $("account-anon").hidden = account !== null;
    $("account-in").hidden = account === null;
    this.#confirmDelete(false);
    const input = $<HTMLInputElement>("start-name");
    input.readOnly = account !== null;
    $("name-owned").hidden = account === null;
    if (!account) return;
    input.value = account.name;
    input.removeAttribute("aria-invalid");
    $("name-error").textContent = "";
    $("account-name").replaceChildren(account.name, verifiedMark());
    $("account-devices").textContent =
      account.devices === 1 ? "1 passkey keeps this account." : `${account.devices} passkeys keep this account.`;
  }

  /** Points the person at signing in: their name is an account's, and this browser is not signed in to it. */
  focusSignIn(): void {
    if (this.#account === null) $("signin").focus();
  }

  /** The start screen is shown again: old news goes. */
  clearMessages(): void {
    $("account-error").textContent = "";
    $("account-status").textContent = "";
  }

  #confirmDelete(open: boolean): void {
    $("delete-confirm").hidden = !open;
    $("delete-account").hidden = open;
    if (!open) return;
    this.clearMessages();
    $("delete-yes").focus();
  }

  #status(text: string): void {
    $("account-status").textContent = text;
  }

  /** Wires a button to an action: the button waits while it runs, and a failure is said under it. */
  #on(id: string, work: () => Promise<void>): void {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener("click", async () => {
      if (button.disabled) return;
      button.disabled = true;
      this.clearMessages();
      try {
        await work();
      } catch (error) {
        $("account-error").textContent = accountErrorText(error);
      } finally {
        button.disabled = false;
      }
    });
  }
}
