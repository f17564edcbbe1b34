import type { Result, RoomData } from "@mesh/schema";
import { err, ok } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { isUniqueViolation } from "./sqlite-errors.ts";

export type RoomPatch = Partial<Omit<RoomData, "id" | "createdBy" | "createdAt">>;

interface RoomRow {
  id: string;
  name: string;
  topic: string;
  width: number;
  depth: number;
  exits: string;
  private: number;
  created_by: string;
  created_at: number;
}

const COLUMNS = "id, name, topic, width, depth, exits, private, created_by, created_at";

export class RoomRepo {
  private readonly insert: BetterSqlite3.Statement<[RoomRow]>;
  private readonly byId: BetterSqlite3.Statement<[string], RoomRow>;
  private readonly all: BetterSqlite3.Statement<[], RoomRow>;
  private readonly replace: BetterSqlite3.Statement<[RoomRow]>;
  private readonly removeMessages: BetterSqlite3.Statement<[string]>;
  private readonly removeRoom: BetterSqlite3.Statement<[string]>;
  private readonly removeSanctions: BetterSqlite3.Statement<[string]>;
  private readonly removeInvites: BetterSqlite3.Statement<[string]>;
  private readonly removeReadMarkers: BetterSqlite3.Statement<[string]>;
  private readonly checkpoint: () => void;
  private readonly byCreator: BetterSqlite3.Statement<[string], { n: number }>;
  private readonly pointingAt: BetterSqlite3.Statement<[string], RoomRow>;
  private readonly removeWithContents: (id: string) => boolean;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO rooms (${COLUMNS})
       VALUES (@id, @name, @topic, @width, @depth, @exits, @private, @created_by, @created_at)`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM rooms WHERE id = ?`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM rooms ORDER BY created_at, id`);
    this.replace = db.prepare(
      `UPDATE rooms SET name = @name, topic = @topic, width = @width, depth = @depth,
       exits = @exits, private = @private WHERE id = @id`,
    );
    // Their mentions go by cascade and their search entries by trigger.
    this.removeMessages = db.prepare("DELETE FROM messages WHERE room_id = ?");
    this.removeRoom = db.prepare("DELETE FROM rooms WHERE id = ?");
    this.removeSanctions = db.prepare("DELETE FROM sanctions WHERE room_id = ?");
    this.removeInvites = db.prepare("DELETE FROM room_invites WHERE room_id = ?");
    this.removeReadMarkers = db.prepare("DELETE FROM read_markers WHERE room_id = ?");
    this.checkpoint = () => db.pragma("wal_checkpoint(TRUNCATE)");
    this.byCreator = db.prepare("SELECT count(*) AS n FROM rooms WHERE created_by = ?");
    // Exits are a small JSON object; a LIKE on the quoted id finds the candidates, JSON decides.
    this.pointingAt = db.prepare(`SELECT ${COLUMNS} FROM rooms WHERE exits LIKE '%' || ? || '%'`);
    this.removeWithContents = db.transaction((id: string) => {
      this.removeMessages.run(id);
      this.removeSanctions.run(id);
      this.removeInvites.run(id);
      this.removeReadMarkers.run(id);
      // No exit may lead into a room that no longer exists.
      for (const row of this.pointingAt.all(JSON.stringify(id))) {
        const room = toRoom(row);
        const exits = Object.fromEntries(Object.entries(room.exits).filter(([, to]) => to !== id));
        if (Object.keys(exits).length !== Object.keys(room.exits).length) this.replace.run(toRow({ ...room, exits }));
      }
      return this.removeRoom.run(id).changes > 0;
    });
  }

  create(room: RoomData): Result<RoomData> {
    try {
      this.insert.run(toRow(room));
    } catch (error) {
      if (isUniqueViolation(error, "rooms.id")) {
        return err("conflict", `room "${room.id}" already exists`);
      }
      throw error;
    }
    return ok({ ...room, exits: { ...room.exits } });
  }

  get(id: string): RoomData | undefined {
    const row = this.byId.get(id);
    return row && toRoom(row);
  }

  /** Ordered by creation time, then id. */
  list(): RoomData[] {
    return this.all.all().map(toRoom);
  }

  /** How many rooms a participant has created (the per-member cap counts these). */
  countCreatedBy(userId: string): number {
    return this.byCreator.get(userId)?.n ?? 0;
  }

  /** Applies the fields present in `patch`; undefined if the room does not exist. */
  update(id: string, patch: RoomPatch): RoomData | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: RoomData = {
      ...current,
      ...definedOnly(patch),
      id: current.id,
      createdBy: current.createdBy,
      createdAt: current.createdAt,
    };
    this.replace.run(toRow(next));
    return next;
  }

  /**
   * Deletes the room, its messages (DMs included), sanctions, invites, read markers and every
   * exit into it, in one transaction; then checkpoints so the WAL keeps no page of their text.
   * Its uploads stay until the caller frees them (UploadRepo.deleteForRoom), files and all.
   */
  delete(id: string): boolean {
    const deleted = this.removeWithContents(id);
    // Unconditional: a room's messages can outlive its row (they have no foreign key to it).
    this.checkpoint();
    return deleted;
  }
}

function definedOnly(patch: RoomPatch): RoomPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

function toRow(room: RoomData): RoomRow {
  return {
    id: room.id,
    name: room.name,
    topic: room.topic,
    width: room.width,
    depth: room.depth,
    exits: JSON.stringify(room.exits),
    private: room.private ? 1 : 0,
    created_by: room.createdBy,
    created_at: room.createdAt,
  };
}

function toRoom(row: RoomRow): RoomData {
  return {
    id: row.id,
    name: row.name,
    topic: row.topic,
    width: row.width,
    depth: row.depth,
    exits: JSON.parse(row.exits) as Record<string, string>,
    private: row.private !== 0,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
