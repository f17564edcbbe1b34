import { randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { err, ErrorCode, ok, type Result } from "@mesh/schema";
import { FileMeter, OverSizeError, sniffType } from "./sniff.ts";

/** A file as the store holds it: named by its content, typed by its bytes. */
export interface StoredFile {
  sha256: string;
  size: number;
  /** Sniffed from the bytes; the client's declared type is never used. */
  type: string;
}

/** Temp files start with a dot, so they can never be mistaken for (or collide with) a sha256 name. */
const TEMP_PREFIX = ".incoming-";
const SHA256 = /^[0-9a-f]{64}$/;

export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

/**
 * Content-addressed files under `<dataDir>/uploads/`: each file is named by the sha256 of its
 * bytes, so the same bytes are stored once and no path ever comes from user input. A file goes
 * only while nothing uses it: no upload record (`inUse`) and no upload of the same bytes still
 * between being saved and being recorded (a hold, from `save` to `release`).
 */
export class UploadStore {
  readonly dir: string;
  /** sha256 → uploads of those bytes saved but not yet released by their caller. */
  private readonly holds = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly maxBytes: number,
    /** Whether a stored record names these bytes (the server asks its database). */
    private readonly inUse: (sha256: string) => boolean = () => false,
  ) {
    this.dir = path.join(dataDir, "uploads");
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // A crash mid-upload can leave a temp file behind; nothing half-written outlives a restart.
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith(TEMP_PREFIX)) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }

  /**
   * Stream `source` into the store. Past the size cap, or when `source` fails or `signal`
   * aborts (the client went away), the write stops and the temp file is deleted before this
   * resolves: payload_too_large or bad_input. Throws only when the disk itself refuses. A saved
   * file is held, so nothing removes it, until the caller has recorded it (or not) and calls `release`.
   */
  async save(source: Readable, signal?: AbortSignal): Promise<Result<StoredFile>> {
    const temp = path.join(this.dir, `${TEMP_PREFIX}${randomUUID()}`);
    const meter = new FileMeter(this.maxBytes);
    const out = fs.createWriteStream(temp, { flags: "wx", mode: 0o600 });
    // pipeline hands the first error to every stream; only one raised by the file itself is the disk's.
    let diskFailure: unknown;
    out.once("error", (error) => {
      if (!(error instanceof OverSizeError) && !source.errored && !signal?.aborted) diskFailure = error;
    });
    try {
      await pipeline(source, meter, out, { signal });
    } catch (error) {
      // Aborted at once, the pipeline can give up while the file is still being opened: removed
      // before it exists, it would appear afterwards and stay.
      if (!out.closed) await new Promise<void>((closed) => out.once("close", () => closed()));
      await fsp.rm(temp, { force: true });
      if (diskFailure) throw diskFailure;
      if (error instanceof OverSizeError) return err(ErrorCode.PayloadTooLarge, `file over the ${this.maxBytes}-byte limit`);
      return err(ErrorCode.BadInput, "the upload ended before its file did");
    }
    // Held before it is kept: the same bytes already stored must not be removed from under it.
    const sha256 = meter.digest();
    this.holds.set(sha256, (this.holds.get(sha256) ?? 0) + 1);
    try {
      const stored: StoredFile = { sha256, size: meter.size, type: await sniffType(temp, meter.isText) };
      await this.keep(temp, sha256);
      return ok(stored);
    } catch (error) {
      this.unhold(sha256);
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }

  /** The caller of `save` is done: recorded, the file stays; refused, it goes unless something else uses it. */
  release(sha256: string): void {
    this.unhold(sha256);
    this.remove(sha256);
  }

  /** The stored bytes of `sha256` and their length, or undefined when there is no such file. */
  async read(sha256: string): Promise<{ size: number; stream: Readable } | undefined> {
    if (!isSha256(sha256)) return undefined;
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path.join(this.dir, sha256), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      return { size, stream: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Delete the file of `sha256` unless something uses it; false when it stays or there was none.
   * Checked and unlinked synchronously, so no upload of the same bytes can be kept in between.
   */
  remove(sha256: string): boolean {
    if (!isSha256(sha256) || this.holds.has(sha256) || this.inUse(sha256)) return false;
    try {
      fs.unlinkSync(path.join(this.dir, sha256));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  private unhold(sha256: string): void {
    const left = (this.holds.get(sha256) ?? 0) - 1;
    if (left > 0) this.holds.set(sha256, left);
    else this.holds.delete(sha256);
  }

  /** Move a finished temp file to its content name; the same bytes already stored just drop it. */
  private async keep(temp: string, sha256: string): Promise<void> {
    const target = path.join(this.dir, sha256);
    if (fs.existsSync(target)) {
      await fsp.rm(temp, { force: true });
      return;
    }
    await fsp.rename(temp, target);
  }
}
