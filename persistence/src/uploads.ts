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

/** Upload records. A file on disk may be removed only once no record refers to its sha256. */
export class UploadRepo {
  private readonly insert: BetterSqlite3.Statement<[UploadRow]>;
  private readonly byId: BetterSqlite3.Statement<[string], UploadRow>;
  private readonly bySha: BetterSqlite3.Statement<[string], { n: number }>;
  private readonly removeRoom: BetterSqlite3.Statement<[string], { sha256: string }>;
  private readonly removeForRoom: (roomId: string) => string[];

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO uploads (${COLUMNS})
       VALUES (@id, @room_id, @sha256, @name, @type, @size, @uploader_id, @created_at)`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM uploads WHERE id = ?`);
    this.bySha = db.prepare("SELECT count(*) AS n FROM uploads WHERE sha256 = ?");
    this.removeRoom = db.prepare("DELETE FROM uploads WHERE room_id = ? RETURNING sha256");
    this.removeForRoom = db.transaction((roomId: string) => {
      const shas = new Set(this.removeRoom.all(roomId).map((row) => row.sha256));
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

  /** How many records refer to this file's bytes. */
  countBySha(sha256: string): number {
    return this.bySha.get(sha256)?.n ?? 0;
  }

  /** Forgets the room's uploads; returns the sha256s no record refers to any more (their files may go). */
  deleteForRoom(roomId: string): string[] {
    return this.removeForRoom(roomId);
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
