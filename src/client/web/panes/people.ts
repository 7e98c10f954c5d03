import { type ChatModel, peopleNote, sortedUsers } from "../../core/model";
import { $ } from "../dom";
import { renderUsers } from "../render";

/**
 * The people here: the count, the list (a name opens a private conversation)
 * and the drawer it sits in on a phone, which Escape or a tap outside closes.
 */
export class PeoplePane {
  constructor(
    private readonly pick: (name: string) => void,
    signal: AbortSignal,
    /** v1.9: a signed-in viewer may open a conversation with a signed-in person, outside the room. */
    private readonly talk: { signedIn: () => boolean; open?: (name: string) => void } = { signedIn: () => false },
  ) {
    document.body.classList.remove("show-users");
    $("users-toggle").addEventListener("click", () => this.#toggle(), { signal });
    document.addEventListener(
      "pointerdown",
      (e) => {
        const target = e.target as HTMLElement;
        // A tap outside the drawer closes it.
        if (this.drawerOpen && !target.closest("#users") && !target.closest("#users-toggle")) this.closeDrawer();
      },
      { signal },
    );
  }

  get drawerOpen(): boolean {
    return document.body.classList.contains("show-users");
  }

  render(model: ChatModel): void {
    $("count").textContent = String(model.count);
    const note = peopleNote(model);
    $("users-note").textContent = note ?? "";
    $("users-note").hidden = note === null;
    const { open } = this.talk;
    const talk = open && (model.verified || this.talk.signedIn()) ? open : undefined;
    renderUsers(
      $("user-list"),
      sortedUsers(model),
      { name: model.me, verified: model.verified },
      (name) => {
        this.pick(name);
        this.closeDrawer();
      },
      talk,
    );
  }

  closeDrawer(): void {
    if (!this.drawerOpen) return;
    document.body.classList.remove("show-users");
    $("users-toggle").setAttribute("aria-expanded", "false");
  }

  #toggle(): void {
    const phone = window.matchMedia("(max-width: 640px)").matches;
    const open = phone ? document.body.classList.toggle("show-users") : !document.body.classList.toggle("hide-users");
    $("users-toggle").setAttribute("aria-expanded", String(open));
  }
}
