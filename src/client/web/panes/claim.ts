import { checkUsername } from "../../../protocol";
import type { Account, AccountApi } from "../account-api";
import { accountErrorText } from "../account-words";
import { $ } from "../dom";
import { verifiedMark } from "../verified-mark";

export interface ClaimHost {
  readonly api: AccountApi;
  /** The name this visit goes by now; null before the first welcome. */
  name(): string | null;
  /** This browser is signed in now (a claim, or a sign-in with a passkey it already had). */
  signedIn(account: Account, claimed: boolean): void;
}

/**
 * Claiming a name from inside a room: "Claim this name" makes the current
 * name an account's with a new passkey, at once. A small dialog claims
 * another name instead, or signs in with a passkey this device already holds;
 * it also opens, with the reason, when a claim was refused. While signed in,
 * the header shows the name with its mark instead.
 */
export class ClaimPane {
  readonly #dialog = $<HTMLDialogElement>("claim-dialog");
  readonly #button = $<HTMLButtonElement>("claim");
  #busy = false;

  constructor(
    private readonly host: ClaimHost,
    signal: AbortSignal,
  ) {
    const on = (id: string, type: string, handler: (e: Event) => void) =>
      $(id).addEventListener(type, handler, { signal });
    on("claim", "click", () => {
      const name = host.name();
      if (name) void this.#claim(name);
    });
    on("claim-other", "click", () => this.open(""));
    on("claim-form", "submit", (e) => {
      e.preventDefault();
      const input = $<HTMLInputElement>("claim-name");
      const check = checkUsername(input.value.trim());
      input.setAttribute("aria-invalid", String(!check.ok));
      if (!check.ok) {
        this.#error(`That name cannot be used: ${check.reason}.`);
        input.focus();
        return;
      }
      void this.#claim(check.username);
    });
    on("claim-signin", "click", () => void this.#signIn());
    on("claim-cancel", "click", () => this.close());
    signal.addEventListener("abort", () => this.close());
    this.show(null, false, false);
  }

  /**
   * Shows the Claim buttons while this browser is anonymous, or the name with
   * its mark once the room welcomed it as verified.
   */
  show(name: string | null, verified: boolean, signedIn: boolean): void {
    const chip = $("me-chip");
    chip.hidden = !verified || name === null;
    if (verified && name !== null) {
      chip.replaceChildren(name, verifiedMark());
      chip.title = `You are signed in as ${name}`;
    }
    this.#button.hidden = signedIn || name === null;
    $("claim-other").hidden = signedIn || name === null;
    if (signedIn) this.close();
  }

  /** The dialog, with `name` in its field and `error` said, if any. */
  open(name: string, error = ""): void {
    const input = $<HTMLInputElement>("claim-name");
    input.value = name || (this.host.name() ?? "");
    input.removeAttribute("aria-invalid");
    this.#error(error);
    if (!this.#dialog.open) this.#dialog.showModal();
    input.focus();
  }

  close(): void {
    if (this.#dialog.open) this.#dialog.close();
  }

  async #claim(name: string): Promise<void> {
    await this.#run(async () => {
      const account = await this.host.api.claim(name);
      this.close();
      this.host.signedIn(account, true);
    }, name);
  }

  async #signIn(): Promise<void> {
    await this.#run(async () => {
      const account = await this.host.api.signIn();
      this.close();
      this.host.signedIn(account, false);
    }, $<HTMLInputElement>("claim-name").value);
  }

  /** Runs one ceremony at a time; a failure opens the dialog (or keeps it open) saying why. */
  async #run(work: () => Promise<void>, name: string): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#button.setAttribute("aria-busy", "true");
    this.#error("");
    try {
      await work();
    } catch (error) {
      this.open(name, accountErrorText(error));
    } finally {
      this.#busy = false;
      this.#button.removeAttribute("aria-busy");
    }
  }

  #error(text: string): void {
    $("claim-error").textContent = text;
  }
}
