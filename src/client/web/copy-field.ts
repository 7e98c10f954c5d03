/**
 * Copies a read-only field's text to the clipboard and says so in `status`.
 * Without a clipboard (an insecure page, a refused permission) the text is
 * selected instead, one keystroke from copied.
 */
export async function copyField(input: HTMLInputElement, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(input.value);
    status.textContent = "Copied.";
  } catch {
    input.focus();
    input.select();
    status.textContent = "Selected: copy it with your keyboard or the menu.";
  }
}
