import type { AccountApi } from "../account-api";
import { accountErrorText } from "../account-words";
import { copyField } from "../copy-field";
import { $ } from "../dom";
import { linkValidText } from "../link-code";

/**
 * The signed-in start screen's "Add a device": a one-time link to open on
 * the other device, with a Copy button and how long it works. A link made
 * here is never shown again once the account changes.
 */
export class AddDevicePane {
  constructor(private readonly api: AccountApi) {
    const button = $<HTMLButtonElement>("add-device");
    button.addEventListener("click", async () => {
      if (button.disabled) return;
      button.disabled = true;
      $("account-error").textContent = "";
      $("account-status").textContent = "";
      try {
        const link = await this.api.makeLink();
        $<HTMLInputElement>("link-url").value = link.url;
        const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        $("link-expiry").textContent = linkValidText(link.expiresAt, Date.now(), clock);
        $("link-made").hidden = false;
        $("link-made").scrollIntoView({ block: "nearest" });
        $("link-url").focus();
        $<HTMLInputElement>("link-url").select();
      } catch (error) {
        $("account-error").textContent = accountErrorText(error);
      } finally {
        button.disabled = false;
      }
    });
    $("link-copy").addEventListener("click", () => {
      void copyField($<HTMLInputElement>("link-url"), $("account-status"));
    });
  }

  /** Forgets the link shown: the account changed, or the start screen is shown anew. */
  reset(): void {
    $("link-made").hidden = true;
    $<HTMLInputElement>("link-url").value = "";
  }
}
