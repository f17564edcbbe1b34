import type BetterSqlite3 from "better-sqlite3";

/** An uploaded file as stored: its bytes live on disk under their sha256, shared by equal uploads. */
export interface UploadRecord {
  id: string;
  roomId: string;
  sha256: string;
  name: string;
  type: string;
  size: number;
  uploaderId: string;
  createdAt: number;
}

interface UploadRow {
  id: string;
  room_id: string;
  sha256: string;
  name: string;
  type: string;
  size: number;
  uploader_id: string;
  created_at: number;
}

const COLUMNS = "id, room_id, sha256, name, type, size, uploader_id, created_at";

/**
 * Upload records. A file on disk may be removed only once no record refers to its sha256.
 * Which messages carry an upload is kept by MessageRepo.storeBatch (message_uploads); an upload
 * that loses its last carrier is released, and goes with `forgetReleased`.
 */
export class UploadRepo {
  private readonly insert: BetterSqlite3.Statement<[UploadRow]>;
  private readonly byId: BetterSqlite3.Statement<[string], UploadRow>;
  private readonly readable: BetterSqlite3.Statement<{ id: string; me: string }, UploadRow>;
  private readonly releasedBy: BetterSqlite3.Statement<{ cutoff: number; limit: number }, { id: string; sha256: string }>;
  private readonly removeOne: BetterSqlite3.Statement<[string]>;
  private readonly releaseIdle: BetterSqlite3.Statement<{ cutoff: number; now: number }>;
  private readonly removeReleased: (cutoff: number, limit: number) => string[];
  private readonly bySha: BetterSqlite3.Statement<[string], { n: number }>;
  private readonly removeRoom: BetterSqlite3.Statement<[string], { sha256: string }>;
  private readonly removeForRoom: (roomId: string) => string[];

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO uploads (${COLUMNS})
       VALUES (@id, @room_id, @sha256, @name, @type, @size, @uploader_id, @created_at)`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM uploads WHERE id = ?`);
    // A carrier is in the upload's own room (sends only attach uploads of their room); a DM
    // carries it only for its two participants.
    this.readable = db.prepare(
      `SELECT ${COLUMNS} FROM uploads AS u WHERE u.id = @id AND (
         (u.uploader_id = @me AND u.released_at = 0)
         OR EXISTS (SELECT 1 FROM message_uploads AS c JOIN messages AS m ON m.id = c.message_id
                    WHERE c.upload_id = u.id AND m.room_id = u.room_id AND m.deleted = 0
                      AND (m.to_id = '' OR m.author_id = @me OR m.to_id = @me)))`,
    );
    this.releasedBy = db.prepare(
      `SELECT id, sha256 FROM uploads WHERE released_at > 0 AND released_at <= @cutoff
       AND NOT EXISTS (SELECT 1 FROM message_uploads WHERE upload_id = uploads.id)
       ORDER BY released_at LIMIT @limit`,
    );
    this.removeOne = db.prepare("DELETE FROM uploads WHERE id = ?");
    this.releaseIdle = db.prepare(
      `UPDATE uploads SET released_at = @now WHERE released_at = 0 AND created_at <= @cutoff
       AND NOT EXISTS (SELECT 1 FROM message_uploads WHERE upload_id = uploads.id)`,
    );
    this.bySha = db.prepare("SELECT count(*) AS n FROM uploads WHERE sha256 = ?");
    this.removeRoom = db.prepare("DELETE FROM uploads WHERE room_id = ? RETURNING sha256");
    this.removeForRoom = db.transaction((roomId: string) => {
      const shas = new Set(this.removeRoom.all(roomId).map((row) => row.sha256));
      return [...shas].filter((sha) => this.countBySha(sha) === 0).sort();
    });
    this.removeReleased = db.transaction((cutoff: number, limit: number) => {
      const released = this.releasedBy.all({ cutoff, limit });
      for (const upload of released) this.removeOne.run(upload.id);
      const shas = new Set(released.map((upload) => upload.sha256));
      return [...shas].filter((sha) => this.countBySha(sha) === 0).sort();
    });
  }

  /** Throws on a duplicate id (ids are minted by the server, so that is a bug). */
  create(upload: UploadRecord): void {
    this.insert.run({
      id: upload.id,
      room_id: upload.roomId,
      sha256: upload.sha256,
      name: upload.name,
      type: upload.type,
      size: upload.size,
      uploader_id: upload.uploaderId,
      created_at: upload.createdAt,
    });
  }

  get(id: string): UploadRecord | undefined {
    const row = this.byId.get(id);
    return row && toUpload(row);
  }

  /**
   * The upload, if this participant may have its file: its uploader until a message lets it go,
   * or anyone who may read a live message carrying it (a room message, or a DM they sent or
   * received). Whether they may see the upload's room is the caller's to ask.
   */
  readableBy(id: string, participantId: string): UploadRecord | undefined {
    const row = this.readable.get({ id, me: participantId });
    return row && toUpload(row);
  }

  /** How many records refer to this file's bytes. */
  countBySha(sha256: string): number {
    return this.bySha.get(sha256)?.n ?? 0;
  }

  /** Forgets the room's uploads; returns the sha256s no record refers to any more (their files may go). */
  deleteForRoom(roomId: string): string[] {
    return this.removeForRoom(roomId);
  }

  /**
   * Releases uploads made at or before `cutoff` that no message carries (never attached, or left
   * unattached): they go with `forgetReleased` like the others. Returns how many.
   */
  releaseUnattached(cutoff: number, now: number): number {
    return this.releaseIdle.run({ cutoff, now }).changes;
  }

  /**
   * Forgets up to `limit` uploads released at or before `cutoff` that no message has carried
   * since, oldest first; returns the sha256s no record refers to any more (their files may go).
   */
  forgetReleased(cutoff: number, limit: number): string[] {
    return this.removeReleased(cutoff, limit);
  }
}

function toUpload(row: UploadRow): UploadRecord {
  return {
    id: row.id,
    roomId: row.room_id,
    sha256: row.sha256,
    name: row.name,
    type: row.type,
    size: row.size,
    uploaderId: row.uploader_id,
    createdAt: row.created_at,
  };
}
