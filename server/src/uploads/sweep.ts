import type { MeshDatabase } from "@mesh/persistence";
import type { UploadStore } from "./store.ts";

/**
 * How long an upload stays after the last message carrying it was deleted (nobody may download
 * it meanwhile): a send of it decided just before the delete still finds it, and carries it again.
 */
export const RELEASE_GRACE_MS = 30_000;
/** An upload no message carries is kept this long for its uploader to attach it. */
export const UNATTACHED_MS = 24 * 60 * 60 * 1000;
/** Uploads forgotten per sweep: each may unlink a file, so one sweep never holds the thread for long. */
const SWEEP_ROWS = 100;

/**
 * Forget uploads released longer than `graceMs` ago, and delete their files unless another
 * upload record shares the bytes. Returns how many files went. Synchronous from the database
 * to the last unlink, so no upload of the same bytes is recorded in between.
 */
export function sweepReleasedUploads(db: MeshDatabase, store: UploadStore, now: number, graceMs = RELEASE_GRACE_MS): number {
  // An upload nobody attached within a day is released too: uploads are for messages, not storage.
  db.uploads.releaseUnattached(now - UNATTACHED_MS, now);
  let removed = 0;
  for (const sha256 of db.uploads.forgetReleased(now - graceMs, SWEEP_ROWS)) if (store.remove(sha256)) removed++;
  return removed;
}
