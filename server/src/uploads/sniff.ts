import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { fileTypeFromFile } from "file-type";

/** Types a browser may show in the page (everything else downloads as an attachment). */
export const INLINE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Thrown inside the stream the moment a file passes its cap, which ends the write at once. */
export class OverSizeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file over ${maxBytes} bytes`);
  }
}

/**
 * Passes bytes through while counting, hashing and checking whether they read as text, and
 * fails the stream on the first byte past `maxBytes`: nothing past the cap reaches the disk.
 */
export class FileMeter extends Transform {
  size = 0;
  private readonly hash: Hash = createHash("sha256");
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private text = true;

  constructor(private readonly maxBytes: number) {
    super();
  }

  /** Hex sha256 of everything that passed; call once, after the stream has finished. */
  digest(): string {
    return this.hash.digest("hex");
  }

  /** Valid UTF-8 without NUL bytes (and not empty): what we call plain text. */
  get isText(): boolean {
    return this.text && this.size > 0;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new OverSizeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    if (this.text) this.text = !chunk.includes(0) && this.decodes(chunk, true);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A multi-byte character cut off at the very end is not text either.
    if (this.text) this.text = this.decodes(new Uint8Array(0), false);
    callback();
  }

  private decodes(chunk: Uint8Array, more: boolean): boolean {
    try {
      this.decoder.decode(chunk, { stream: more });
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * The content type of a stored file, read from its bytes (the client's claim is never asked):
 * what file-type recognises by its magic numbers, else text/plain for UTF-8 text, else
 * application/octet-stream.
 */
export async function sniffType(file: string, isText: boolean): Promise<string> {
  const detected = await fileTypeFromFile(file);
  if (detected) return detected.mime;
  return isText ? "text/plain" : "application/octet-stream";
}
