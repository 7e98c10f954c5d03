import { type Account, type AccountApi, AccountError, type LinkInvite } from "../account-api";
import { accountErrorText } from "../account-words";
import { $ } from "../dom";

/**
 * The page a one-time link opens on a new device (`/link#<code>`): whose
 * account it adds this device to, and one button that makes a passkey here
 * for it and signs this browser in. A used or expired link says so, and what
 * to do instead.
 */
export class LinkPage {
  #code: string | null = null;
  #invite: LinkInvite | null = null;
  /** Counts pages opened, so an answer for a link left behind never changes the page shown. */
  #generation = 0;

  constructor(
    private readonly api: AccountApi,
    private readonly signedIn: (account: Account) => void,
  ) {
    const button = $<HTMLButtonElement>("link-create");
    button.addEventListener("click", async () => {
      if (button.disabled || this.#code === null) return;
      const mine = this.#generation;
      button.disabled = true;
      $("link-error").textContent = "";
      try {
        // A ceremony is good for one try: after a failed one, the link is opened afresh.
        const invite = this.#invite ?? (await this.api.openLink(this.#code));
        this.#invite = null;
        const account = await this.api.useLink(invite);
        if (mine === this.#generation) this.signedIn(account);
      } catch (error) {
        if (mine === this.#generation) this.#failed(error);
      } finally {
        button.disabled = false;
      }
    });
  }

  /** Shows the page for `code` (null: the link arrived without one) and asks whose account it is. */
  async open(code: string | null): Promise<void> {
    const mine = ++this.#generation;
    this.#code = code;
    this.#invite = null;
    $("link-title").textContent = "Add this device?";
    $("link-error").textContent = "";
    $("link-create").hidden = true;
    if (code === null) {
      $("link-lede").textContent = "This link is incomplete: copy the whole link, with everything after the #.";
      return;
    }
    $("link-lede").textContent = "Checking the link…";
    try {
      const invite = await this.api.openLink(code);
      if (mine !== this.#generation) return;
      this.#invite = invite;
      $("link-title").textContent = `Add this device to ${invite.name}?`;
      $("link-lede").textContent =
        `This makes a passkey on this device for ${invite.name}, unlocked by its fingerprint, face or PIN. ` +
        "Your other devices keep theirs.";
      $("link-create").hidden = false;
      $("link-create").focus();
    } catch (error) {
      if (mine === this.#generation) this.#failed(error);
    }
  }

  #failed(error: unknown): void {
    const over = error instanceof AccountError && error.code === "link_expired";
    if (over) {
      $("link-lede").textContent = "This link cannot add a device any more.";
      $("link-create").hidden = true;
    } else if (this.#invite === null && $("link-create").hidden) {
      // The link could not even be checked (a network failure): the button tries again.
      $("link-lede").textContent = "The link could not be checked.";
      $("link-create").hidden = false;
    }
    $("link-error").textContent = accountErrorText(error);
  }
}
