import type { MeshRest } from "@mesh/bots";
import type { AttachmentData } from "@mesh/schema";
import { h } from "../dom.ts";
import { restErrorText } from "../errors.ts";
import { sizeLabel } from "./format.ts";

const THUMBNAIL_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const THUMBNAIL_MAX_BYTES = 5 * 1024 * 1024;

/** Blob URLs one panel keeps at most; older ones are revoked (a shown image stays shown). */
export const MAX_CACHED_FILES = 48;
/** Thumbnails start loading this close to the visible part of the log. */
const NEAR = "300px";
/** Past this many watched thumbnails, those no longer in the page are let go. */
const SWEEP_AT = 256;

/**
 * Attachments need the Authorization header, so they come through fetch and show as blob URLs.
 * One cache per panel: a message re-rendered after a reaction does not fetch its image again,
 * and every URL made is revoked when the panel changes room or goes. The cache is bounded and
 * thumbnails load only when they come near the view: a room flooded with large images (each
 * up to 5 MB, ten a message, a hundred messages on joining) costs a viewer what is on screen,
 * not every byte of them held in memory.
 */
export class AttachmentLoader {
  private readonly urls = new Map<string, Promise<string>>();
  private readonly waiting = new Map<Element, () => void>();
  private observer: IntersectionObserver | undefined;

  constructor(private readonly rest: () => MeshRest) {}

  url(attachment: AttachmentData): Promise<string> {
    let url = this.urls.get(attachment.id);
    if (url) {
      // Used again: the newest in the cache's order.
      this.urls.delete(attachment.id);
      this.urls.set(attachment.id, url);
      return url;
    }
    url = this.rest()
      .download(attachment.id)
      .then(({ bytes, type }) => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: type || attachment.type })));
    url.catch(() => this.urls.delete(attachment.id));
    this.urls.set(attachment.id, url);
    while (this.urls.size > MAX_CACHED_FILES) {
      const [oldest, old] = this.urls.entries().next().value as [string, Promise<string>];
      this.urls.delete(oldest);
      old.then(URL.revokeObjectURL, () => {});
    }
    return url;
  }

  /** Calls `load` once `element` comes near the view (at once where IntersectionObserver is missing). */
  whenVisible(element: Element, load: () => void): void {
    if (typeof IntersectionObserver === "undefined") {
      load();
      return;
    }
    this.observer ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          const run = this.waiting.get(entry.target);
          this.forget(entry.target);
          run?.();
        }
      },
      { rootMargin: NEAR },
    );
    if (this.waiting.size >= SWEEP_AT) for (const el of this.waiting.keys()) if (!el.isConnected) this.forget(el);
    this.waiting.set(element, load);
    this.observer.observe(element);
  }

  releaseAll(): void {
    for (const url of this.urls.values()) url.then(URL.revokeObjectURL, () => {});
    this.urls.clear();
    this.observer?.disconnect();
    this.waiting.clear();
  }

  private forget(element: Element): void {
    this.observer?.unobserve(element);
    this.waiting.delete(element);
  }
}

/** A message's files: names and sizes (always text), a thumbnail for small images, a download button each. */
export function attachmentList(attachments: AttachmentData[], loader: AttachmentLoader, onError: (text: string) => void): HTMLElement | null {
  if (attachments.length === 0) return null;
  return h(
    "ul",
    { class: "msg-files", "aria-label": "Attachments" },
    ...attachments.map((file) => {
      const download = h("button", { type: "button", class: "file", "aria-label": `Download ${file.name}, ${sizeLabel(file.size)}` }, h("span", { class: "file-name", dir: "auto" }, file.name), h("span", { class: "file-size" }, sizeLabel(file.size)));
      download.addEventListener("click", async () => {
        try {
          const url = await loader.url(file);
          const link = h("a", { href: url, download: file.name });
          link.click();
        } catch (error) {
          onError(`Could not download ${file.name}: ${restErrorText(error)}`);
        }
      });
      const item = h("li", {}, download);
      if (THUMBNAIL_TYPES.has(file.type) && file.size <= THUMBNAIL_MAX_BYTES) {
        const img = h("img", { class: "thumb", alt: file.name, loading: "lazy" });
        item.prepend(img);
        loader.whenVisible(img, () => {
          loader.url(file).then(
            (url) => {
              img.src = url;
            },
            () => img.remove(),
          );
        });
      }
      return item;
    }),
  );
}
