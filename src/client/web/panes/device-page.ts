import { type Account, type AccountApi, AccountError } from "../account-api";
import { accountErrorText } from "../account-words";
import { userCode } from "../device-code";
import { $ } from "../dom";

/**
 * `/device`: a signed-in person lets a terminal in. The code (from the
 * terminal's link, or typed) is checked first, so the page can show which
 * terminal it is and say plainly what approving means before anyone decides.
 * A browser not signed in is offered the passkey first, then carries on.
 */
export class DevicePage {
  #name: string | null = null;
  /** The code checked and waiting for a decision. */
  #checked: string | null = null;
  /** Counts pages opened, so an answer meant for one left behind never changes the page shown. */
  #generation = 0;

  constructor(
    private readonly api: AccountApi,
    private readonly signedIn: (account: Account) => void,
  ) {
    $("device-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#check();
    });
    this.#on("device-signin", async () => {
      const account = await this.api.signIn();
      this.signedIn(account);
      this.#show(account.name);
    });
    this.#on("device-approve", async () => {
      if (this.#checked === null) return;
      await this.api.approveDevice(this.#checked);
      this.#finish("Done: you can go back to your terminal.");
    });
    this.#on("device-deny", async () => {
      if (this.#checked === null) return;
      await this.api.denyDevice(this.#checked);
      this.#finish("Denied: that terminal was not let in. Nothing changed on your account.");
    });
    $("device-code").addEventListener("input", () => this.#undecided());
  }

  /** Shows the page with `code` in its field, once the server has said who this browser is. */
  async open(code: string): Promise<void> {
    const mine = ++this.#generation;
    $<HTMLInputElement>("device-code").value = code;
    $("device-error").textContent = "";
    $("device-status").textContent = "";
    $("device-anon").hidden = true;
    $("device-form").hidden = true;
    this.#undecided();
    let account: Account | null = null;
    try {
      account = await this.api.me();
    } catch (error) {
      if (mine === this.#generation) $("device-error").textContent = accountErrorText(error);
    }
    if (mine === this.#generation) this.#show(account?.name ?? null);
  }

  #show(name: string | null): void {
    this.#name = name;
    $("device-anon").hidden = name !== null;
    $("device-form").hidden = name === null;
    if (name === null) {
      $("device-signin").focus();
      return;
    }
    const input = $<HTMLInputElement>("device-code");
    // A code from the terminal's link is checked at once: the person still decides.
    if (userCode(input.value) !== null) this.#check();
    else input.focus();
  }

  #check(): void {
    const input = $<HTMLInputElement>("device-code");
    const code = userCode(input.value);
    $("device-status").textContent = "";
    if (code === null) {
      input.setAttribute("aria-invalid", "true");
      $("device-error").textContent = "A code is 8 letters, like BCDF-GHJK: copy it from the terminal.";
      input.focus();
      return;
    }
    input.value = code;
    input.removeAttribute("aria-invalid");
    void this.#run($<HTMLButtonElement>("device-check"), async () => {
      const { label } = await this.api.checkDevice(code);
      this.#checked = code;
      $("device-label").textContent = label;
      $("device-warning").textContent =
        `Approving lets this terminal post as ${this.#name ?? "you"}. Only approve a code you started yourself.`;
      $("device-decide").hidden = false;
      $("device-approve").focus();
    });
  }

  #finish(text: string): void {
    this.#undecided();
    $("device-form").hidden = true;
    $("device-status").textContent = text;
  }

  /** The code changed or was used: nothing is waiting for a decision. */
  #undecided(): void {
    this.#checked = null;
    $("device-decide").hidden = true;
  }

  #on(id: string, work: () => Promise<void>): void {
    const button = $<HTMLButtonElement>(id);
    button.addEventListener("click", () => void this.#run(button, work));
  }

  /** Runs an action with its button waiting; a failure is said in words, and a lost session asks to sign in. */
  async #run(button: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
    if (button.disabled) return;
    const mine = this.#generation;
    button.disabled = true;
    $("device-error").textContent = "";
    try {
      await work();
    } catch (error) {
      if (mine !== this.#generation) return;
      $("device-error").textContent = accountErrorText(error);
      if (error instanceof AccountError && error.code === "bad_code") this.#undecided();
      if (error instanceof AccountError && error.status === 401) this.#show(null);
    } finally {
      button.disabled = false;
    }
  }
}
