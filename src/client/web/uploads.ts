import { ErrorCode, type ErrorPayload, FILE_ID, fileNameFor, type ServerPayloads } from "../../protocol";
import {
  type AttachmentRef,
  type Granted,
  humanSize,
  type SlotAsk,
  type Upload,
  type UploadStatus,
  Uploads,
  uploadStatus,
} from "../core/uploads";
import { $, el } from "./dom";
import { measure } from "./thumbnail";

export interface UploadsHost {
  /** Puts a slot's ask on the wire; false when not connected. */
  send(frame: SlotAsk): boolean;
  /** A file finished, failed or left. */
  changed(): void;
}

/**
 * v1.10: the files waiting in the composer. A file comes from the Attach
 * button, a paste into the message box or a drop on the room, and starts
 * uploading at once: a slot asked over the socket, then its bytes sent with
 * `PUT` (an XMLHttpRequest, for its upload progress). Each shows its name,
 * size, progress and Cancel; a failed one stays with its reason and Retry.
 */
export class UploadsPane {
  readonly #uploads = new Uploads();
  readonly #list = $<HTMLUListElement>("uploads");
  /** Each upload's bytes: the file, then its thumbnail. */
  readonly #blobs = new Map<number, Blob[]>();
  readonly #requests = new Map<string, XMLHttpRequest>();
  /** Files picked and still being measured: a Send pressed now waits for them too. */
  #preparing = 0;

  constructor(
    private readonly host: UploadsHost,
    signal: AbortSignal,
  ) {
    const on = <K extends keyof HTMLElementEventMap>(
      target: HTMLElement,
      type: K,
      handler: (e: HTMLElementEventMap[K]) => void,
    ) => target.addEventListener(type, handler, { signal });
    const input = $<HTMLInputElement>("attach-input");
    const room = $("chat");
    on($("attach"), "click", () => input.click());
    on(input, "change", () => {
      void this.pick([...(input.files ?? [])]);
      input.value = "";
    });
    on($("input"), "paste", (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      e.preventDefault();
      void this.pick(files);
    });
    const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes("Files") === true;
    on(room, "dragover", (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      room.classList.add("dropping");
    });
    on(room, "dragleave", (e) => {
      if (!room.contains(e.relatedTarget as Node | null)) room.classList.remove("dropping");
    });
    on(room, "drop", (e) => {
      room.classList.remove("dropping");
      if (!carriesFiles(e)) return;
      e.preventDefault();
      void this.pick([...(e.dataTransfer?.files ?? [])]);
    });
    // A reload or a closed tab would drop what is still waiting here: the browser asks first.
    window.addEventListener(
      "beforeunload",
      (e) => {
        if (this.count > 0) e.preventDefault();
      },
      { signal },
    );
    signal.addEventListener("abort", () => {
      for (const request of this.#requests.values()) request.abort();
    });
    this.#render();
  }

  get count(): number {
    return this.#uploads.items.length + this.#preparing;
  }

  status(): UploadStatus {
    return this.#preparing > 0 ? { kind: "uploading", share: 0 } : this.#uploads.status();
  }

  /** The files' names, for the message while it waits to be delivered. */
  names(): string {
    return this.#uploads.items.map((u) => u.file.name).join(", ");
  }

  /** What the message carries, once every file is stored: they leave the composer. */
  take(): AttachmentRef[] | null {
    const refs = this.#uploads.take();
    if (refs) {
      this.#blobs.clear();
      this.#render();
    }
    return refs;
  }

  async pick(files: File[]): Promise<void> {
    this.#preparing += files.length;
    for (const file of files) {
      const image = await measure(file);
      this.#preparing--;
      const thumb = image?.thumb;
      // What the disk called it, made a name the room takes (no control, invisible or turning characters).
      const name = fileNameFor(file.name);
      const { key, asks } = this.#uploads.add(
        { name, size: file.size, type: file.type },
        image ? { width: image.width, height: image.height } : undefined,
        thumb
          ? {
              name: fileNameFor(`${name.replace(/\.[^.]*$/, "").slice(0, 200)}.thumb.${thumb.type.slice(6)}`),
              size: thumb.size,
              type: thumb.type,
            }
          : undefined,
      );
      this.#blobs.set(key, thumb ? [file, thumb] : [file]);
      this.#ask(asks);
      this.#changed();
    }
  }

  /** The room granted a slot: its bytes go now. */
  granted(slot: ServerPayloads["uploadSlot"]): void {
    const granted = this.#uploads.granted(slot);
    if (granted) this.#put(granted);
  }

  /** An error frame that refused one of these slots: true when it did. */
  refused(error: ErrorPayload): boolean {
    if (!this.#uploads.refused(error)) return false;
    this.#changed();
    return true;
  }

  disconnected(): void {
    if (this.#uploads.disconnected()) this.#changed();
  }

  #ask(asks: SlotAsk[]): void {
    for (const ask of asks) {
      if (this.host.send(ask)) continue;
      const message = "not connected; retry once the connection is back";
      this.#uploads.refused({ code: ErrorCode.unavailable, message, clientId: ask.payload.clientId });
    }
  }

  #put({ upload, part, url }: Granted): void {
    const blob = this.#blobs.get(upload.key)?.[part];
    if (!blob) return;
    const request = new XMLHttpRequest();
    const id = `${upload.key}:${part}`;
    this.#requests.set(id, request);
    const done = (failure: string | null) => {
      this.#requests.delete(id);
      const stored = failure === null ? storedId(request.responseText) : null;
      if (stored) this.#uploads.stored(upload.key, part, stored);
      else this.#uploads.fail(upload.key, part, failure ?? "the upload's answer made no sense");
      this.#changed();
    };
    request.upload.addEventListener("progress", (e) => {
      this.#uploads.progress(upload.key, part, e.loaded);
      this.#drawProgress(upload);
    });
    request.addEventListener("load", () => done(request.status === 201 ? null : putFailure(request)));
    request.addEventListener("error", () => done("the connection failed while sending"));
    request.open("PUT", url);
    request.send(blob);
  }

  #cancel(key: number): void {
    this.#uploads.cancel(key);
    this.#blobs.delete(key);
    for (const part of [0, 1]) this.#requests.get(`${key}:${part}`)?.abort();
    this.#changed();
  }

  #retry(key: number): void {
    this.#ask(this.#uploads.retry(key));
    this.#changed();
  }

  #changed(): void {
    this.#render();
    this.host.changed();
  }

  #render(): void {
    this.#list.hidden = this.#uploads.items.length === 0;
    this.#list.replaceChildren(...this.#uploads.items.map((u) => this.#row(u)));
  }

  #row(upload: Upload): HTMLElement {
    const status = uploadStatus(upload);
    const { name } = upload.file;
    const li = el("li", "upload");
    li.dataset.key = String(upload.key);
    li.dataset.state = status.kind;
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.setAttribute("aria-label", `Uploading ${name}`);
    const state = el("span", "up-state");
    li.append(el("span", "up-name", name), el("span", "up-size", humanSize(upload.file.size)), bar, state);
    const button = (text: string, act: () => void) => {
      const b = el("button", `up-act ${text.toLowerCase()}`, text);
      b.setAttribute("type", "button");
      b.setAttribute("aria-label", `${text} ${name}`);
      b.addEventListener("click", act);
      li.append(b);
    };
    if (status.kind === "failed") button("Retry", () => this.#retry(upload.key));
    button("Cancel", () => this.#cancel(upload.key));
    this.#fill(li, status);
    return li;
  }

  #drawProgress(upload: Upload): void {
    const li = this.#list.querySelector<HTMLElement>(`[data-key="${upload.key}"]`);
    if (li) this.#fill(li, uploadStatus(upload));
  }

  #fill(li: HTMLElement, status: UploadStatus): void {
    const bar = li.querySelector("progress");
    const state = li.querySelector(".up-state");
    if (!bar || !state) return;
    bar.hidden = status.kind === "failed";
    bar.value = status.kind === "ready" ? 1 : status.kind === "uploading" ? status.share : 0;
    // The list is a live region: a file's end (uploaded or why not) is said, its every percent is not.
    if (status.kind === "uploading") state.setAttribute("aria-hidden", "true");
    else state.removeAttribute("aria-hidden");
    state.textContent =
      status.kind === "failed"
        ? `Not uploaded: ${status.reason}`
        : status.kind === "ready"
          ? "uploaded"
          : `${Math.floor(status.share * 100)}%`;
  }
}

/** The file id of a `201` answer; null when the answer is not one. */
function storedId(text: string): string | null {
  try {
    const body: unknown = JSON.parse(text);
    const id = typeof body === "object" && body !== null && "id" in body ? body.id : null;
    return typeof id === "string" && FILE_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** Why the bytes were not taken, from the error's own words when it has them. */
function putFailure(request: XMLHttpRequest): string {
  try {
    const body: unknown = JSON.parse(request.responseText);
    const error = typeof body === "object" && body !== null && "error" in body ? body.error : null;
    const message = typeof error === "object" && error !== null && "message" in error ? error.message : null;
    if (typeof message === "string") return `the upload was refused: ${message}`;
  } catch {}
  return `the upload was refused (HTTP ${request.status})`;
}
