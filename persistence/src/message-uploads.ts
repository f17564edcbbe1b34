import type { MessageData } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";

/**
 * Which stored messages carry which uploads (message_uploads), kept in step by
 * MessageRepo.storeBatch inside its transaction. A deleted message carries nothing; an upload
 * that loses its last carrier is marked released, and the server removes it after a grace period.
 */
export class MessageUploads {
  private readonly carriedBy: BetterSqlite3.Statement<[string], string>;
  private readonly carry: BetterSqlite3.Statement<[string, string]>;
  private readonly drop: BetterSqlite3.Statement<[string]>;
  private readonly reclaim: BetterSqlite3.Statement<[string]>;
  private readonly release: BetterSqlite3.Statement<{ upload: string; now: number }>;

  constructor(db: BetterSqlite3.Database) {
    this.carriedBy = db.prepare<[string], string>("SELECT upload_id FROM message_uploads WHERE message_id = ?").pluck();
    this.carry = db.prepare("INSERT OR IGNORE INTO message_uploads (message_id, upload_id) VALUES (?, ?)");
    this.drop = db.prepare("DELETE FROM message_uploads WHERE message_id = ?");
    this.reclaim = db.prepare("UPDATE uploads SET released_at = 0 WHERE id = ? AND released_at <> 0");
    this.release = db.prepare(
      `UPDATE uploads SET released_at = @now WHERE id = @upload AND released_at = 0
       AND NOT EXISTS (SELECT 1 FROM message_uploads WHERE upload_id = @upload)`,
    );
  }

  /** A new message's uploads are carried (again, when a deleted message had let them go). */
  added(message: MessageData): void {
    for (const upload of carried(message)) {
      this.carry.run(message.id, upload);
      this.reclaim.run(upload);
    }
  }

  /** A stored message changed: when its uploads did (a delete empties them), its rows are replaced. */
  changed(message: MessageData, now: number): void {
    const next = carried(message);
    const before = new Set(this.carriedBy.all(message.id));
    if (before.size === next.size && [...next].every((upload) => before.has(upload))) return;
    this.drop.run(message.id);
    this.added(message);
    for (const upload of before) if (!next.has(upload)) this.release.run({ upload, now });
  }
}

function carried(message: MessageData): Set<string> {
  return new Set(message.deleted ? [] : message.attachments.map((attachment) => attachment.id));
}
