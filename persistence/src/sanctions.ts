import type BetterSqlite3 from "better-sqlite3";

export type SanctionKind = "mute" | "kick" | "ban";

/** A mute, a kick's rejoin cooldown or a ban: in force in one room until `until` (ms epoch). */
export interface Sanction {
  roomId: string;
  participantId: string;
  kind: SanctionKind;
  until: number;
  byId: string;
  createdAt: number;
}

interface SanctionRow {
  room_id: string;
  participant_id: string;
  kind: SanctionKind;
  until: number;
  by_id: string;
  created_at: number;
}

/**
 * Sanctions per room and participant, kept in the database so that leaving and rejoining,
 * sending over REST instead of a socket, or a restart cannot shake one off.
 */
export class SanctionRepo {
  private readonly upsert: BetterSqlite3.Statement<[SanctionRow]>;
  private readonly one: BetterSqlite3.Statement<[string, string, string, number], SanctionRow>;
  private readonly inRoom: BetterSqlite3.Statement<[string, number], SanctionRow>;
  private readonly remove: BetterSqlite3.Statement<[string, string, string]>;
  private readonly expired: BetterSqlite3.Statement<[number]>;

  constructor(db: BetterSqlite3.Database) {
    this.upsert = db.prepare(
      `INSERT INTO sanctions (room_id, participant_id, kind, until, by_id, created_at)
       VALUES (@room_id, @participant_id, @kind, @until, @by_id, @created_at)
       ON CONFLICT (room_id, participant_id, kind)
       DO UPDATE SET until = excluded.until, by_id = excluded.by_id, created_at = excluded.created_at
       WHERE excluded.until > sanctions.until`,
    );
    this.one = db.prepare(
      "SELECT * FROM sanctions WHERE room_id = ? AND participant_id = ? AND kind = ? AND until > ?",
    );
    this.inRoom = db.prepare("SELECT * FROM sanctions WHERE room_id = ? AND until > ? ORDER BY created_at");
    this.remove = db.prepare("DELETE FROM sanctions WHERE room_id = ? AND participant_id = ? AND kind = ?");
    this.expired = db.prepare("DELETE FROM sanctions WHERE until <= ?");
  }

  /**
   * Impose a sanction, or lengthen one in force. Never shortens: otherwise a moderator could
   * lift an admin's mute by muting again for one second.
   */
  impose(sanction: Sanction): void {
    this.upsert.run({
      room_id: sanction.roomId,
      participant_id: sanction.participantId,
      kind: sanction.kind,
      until: sanction.until,
      by_id: sanction.byId,
      created_at: sanction.createdAt,
    });
  }

  /** The sanction of `kind` in force now, if any. */
  active(roomId: string, participantId: string, kind: SanctionKind, nowMs: number): Sanction | undefined {
    const row = this.one.get(roomId, participantId, kind, nowMs);
    return row && toSanction(row);
  }

  /** Every sanction in force in a room (for moderators and for a room that opens). */
  activeInRoom(roomId: string, nowMs: number): Sanction[] {
    return this.inRoom.all(roomId, nowMs).map(toSanction);
  }

  lift(roomId: string, participantId: string, kind: SanctionKind): boolean {
    return this.remove.run(roomId, participantId, kind).changes > 0;
  }

  /** Forget sanctions that have ended; returns how many. */
  prune(nowMs: number): number {
    return this.expired.run(nowMs).changes;
  }
}

function toSanction(row: SanctionRow): Sanction {
  return {
    roomId: row.room_id,
    participantId: row.participant_id,
    kind: row.kind,
    until: row.until,
    byId: row.by_id,
    createdAt: row.created_at,
  };
}
