import type { AccountApi, ListedToken } from "../account-api";
import { accountErrorText } from "../account-words";
import { copyField } from "../copy-field";
import { $, el } from "../dom";
import { tokenDetails } from "../token-words";

/**
 * The signed-in start screen's tokens: the account's script tokens and
 * terminals, each revocable alone, and a new token for a script, whose
 * secret is shown here once and never again.
 */
export class TokensPane {
  /** The account whose tokens are shown. */
  #name: string | null = null;
  /** Counts accounts shown, so the answer for one signed out since never shows. */
  #generation = 0;

  constructor(private readonly api: AccountApi) {
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#make();
    });
    $("token-copy").addEventListener("click", () => {
      void copyField($<HTMLInputElement>("token-value"), $("token-status"));
    });
  }

  /**
   * Lists the tokens of the account signed in as `name`. Another account, or
   * none, forgets what was shown (a secret too); the same one only refreshes
   * the list, so a token being made meanwhile still shows.
   */
  async load(name: string | null): Promise<void> {
    if (name !== this.#name) {
      this.#name = name;
      this.#generation++;
      this.forgetSecret();
      $("token-error").textContent = "";
      $("token-status").textContent = "";
      $("token-list").replaceChildren();
    }
    if (name === null) return;
    const mine = this.#generation;
    try {
      const tokens = await this.api.tokens();
      if (mine === this.#generation) this.#render(tokens);
    } catch (error) {
      if (mine === this.#generation) $("token-error").textContent = accountErrorText(error);
    }
  }

  /** Hides a new token's secret: it is shown once, never again after the screen changes. */
  forgetSecret(): void {
    $("token-made").hidden = true;
    $<HTMLInputElement>("token-value").value = "";
  }

  #render(tokens: ListedToken[]): void {
    const now = Date.now();
    const format = (at: number, withTime: boolean) =>
      withTime
        ? new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
        : new Date(at).toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" });
    $("token-list").replaceChildren(
      ...tokens.map((token) => {
        const li = el("li", "");
        const about = el("span", "token-about");
        about.append(el("span", "token-label", token.label), el("span", "hint", tokenDetails(token, now, format)));
        const revoke = el("button", "secondary small danger", "Revoke") as HTMLButtonElement;
        revoke.type = "button";
        revoke.setAttribute("aria-label", `Revoke ${token.label}`);
        revoke.addEventListener("click", () => void this.#revoke(token, revoke));
        li.append(about, revoke);
        return li;
      }),
    );
  }

  async #make(): Promise<void> {
    const input = $<HTMLInputElement>("token-label");
    const button = $<HTMLButtonElement>("token-make");
    const label = input.value.trim();
    if (label === "" || button.disabled) return;
    button.disabled = true;
    $("token-error").textContent = "";
    $("token-status").textContent = "";
    const mine = this.#generation;
    try {
      const made = await this.api.makeToken(label);
      if (mine !== this.#generation) return;
      input.value = "";
      $<HTMLInputElement>("token-value").value = made.token;
      $("token-made").hidden = false;
      $<HTMLInputElement>("token-value").select();
      this.#render(await this.api.tokens());
    } catch (error) {
      if (mine === this.#generation) $("token-error").textContent = accountErrorText(error);
    } finally {
      button.disabled = false;
    }
  }

  async #revoke(token: ListedToken, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    $("token-error").textContent = "";
    const mine = this.#generation;
    try {
      await this.api.revokeToken(token.id);
      if (mine !== this.#generation) return;
      const left = await this.api.tokens();
      if (mine !== this.#generation) return;
      this.#render(left);
      $("token-status").textContent = `Revoked “${token.label}”: it cannot post any more.`;
    } catch (error) {
      button.disabled = false;
      if (mine === this.#generation) $("token-error").textContent = accountErrorText(error);
    }
  }
}
