import type { MeshRest } from "@mesh/bots";
import type { AttachmentData } from "@mesh/schema";
import { h } from "../dom.ts";
import { restErrorText } from "../errors.ts";
import { sizeLabel } from "./format.ts";

const THUMBNAIL_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const THUMBNAIL_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Attachments need the Authorization header, so they come through fetch and show as blob URLs.
 * One cache per panel: a message re-rendered after a reaction does not fetch its image again,
 * and every URL made is revoked when the panel changes room or goes.
 */
export class AttachmentLoader {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly rest: () => MeshRest) {}

  url(attachment: AttachmentData): Promise<string> {
    let url = this.urls.get(attachment.id);
    if (!url) {
      url = this.rest()
        .download(attachment.id)
        .then(({ bytes, type }) => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: type || attachment.type })));
      url.catch(() => this.urls.delete(attachment.id));
      this.urls.set(attachment.id, url);
    }
    return url;
  }

  releaseAll(): void {
    for (const url of this.urls.values()) url.then(URL.revokeObjectURL, () => {});
    this.urls.clear();
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
        loader.url(file).then(
          (url) => {
            img.src = url;
          },
          () => img.remove(),
        );
      }
      return item;
    }),
  );
}
