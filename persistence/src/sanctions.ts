import type BetterSqlite3 from "better-sqlite3";

export type SanctionKind = "mute" | "kick" | "ban";

/** The latest time a JS Date can hold (ms epoch): the `until` of a ban that does not end. */
export const FOREVER_MS = 8_640_000_000_000_000;

/** A mute, a kick's rejoin cooldown or a ban: in force in one room until `until` (ms epoch). */
export interface Sanction {
  roomId: string;
  participantId: string;
  kind: SanctionKind;
  until: number;
  byId: string;
  /** Rank (role priority) of whoever imposed it; the highest one when several lengthened it. */
  byPriority: number;
  createdAt: number;
}

interface SanctionRow {
  room_id: string;
  participant_id: string;
  kind: SanctionKind;
  until: number;
  by_id: string;
  by_priority: number;
  created_at: number;
}

/**
 * Sanctions per room and participant, kept in the database so that leaving and rejoining,
 * sending over REST instead of a socket, or a restart cannot shake one off.
 */
export class SanctionRepo {
  private readonly ofParticipant: BetterSqlite3.Statement<[string, string, number], string>;
  private readonly upsert: BetterSqlite3.Statement<[SanctionRow]>;
  private readonly one: BetterSqlite3.Statement<[string, string, string, number], SanctionRow>;
  private readonly inRoom: BetterSqlite3.Statement<[string, number], SanctionRow>;
  private readonly ofKind: BetterSqlite3.Statement<[string, string, number], SanctionRow>;
  private readonly remove: BetterSqlite3.Statement<[string, string, string]>;
  private readonly expired: BetterSqlite3.Statement<[number]>;

  constructor(db: BetterSqlite3.Database) {
    this.upsert = db.prepare(
      // One that has ended is replaced outright; one in force only lengthens, and keeps the
      // highest rank that imposed it, so a lower rank cannot take it over by re-imposing.
      `INSERT INTO sanctions (room_id, participant_id, kind, until, by_id, by_priority, created_at)
       VALUES (@room_id, @participant_id, @kind, @until, @by_id, @by_priority, @created_at)
       ON CONFLICT (room_id, participant_id, kind) DO UPDATE SET
         until = CASE WHEN sanctions.until <= excluded.created_at THEN excluded.until
                      ELSE MAX(sanctions.until, excluded.until) END,
         by_id = CASE WHEN sanctions.until <= excluded.created_at OR excluded.by_priority >= sanctions.by_priority
                      THEN excluded.by_id ELSE sanctions.by_id END,
         by_priority = CASE WHEN sanctions.until <= excluded.created_at THEN excluded.by_priority
                            ELSE MAX(sanctions.by_priority, excluded.by_priority) END,
         created_at = excluded.created_at`,
    );
    this.one = db.prepare(
      "SELECT * FROM sanctions WHERE room_id = ? AND participant_id = ? AND kind = ? AND until > ?",
    );
    this.ofParticipant = db
      .prepare<[string, string, number], string>("SELECT room_id FROM sanctions WHERE participant_id = ? AND kind = ? AND until > ?")
      .pluck();
    this.inRoom = db.prepare("SELECT * FROM sanctions WHERE room_id = ? AND until > ? ORDER BY created_at");
    this.ofKind = db.prepare(
      "SELECT * FROM sanctions WHERE room_id = ? AND kind = ? AND until > ? ORDER BY created_at, participant_id",
    );
    this.remove = db.prepare("DELETE FROM sanctions WHERE room_id = ? AND participant_id = ? AND kind = ?");
    this.expired = db.prepare("DELETE FROM sanctions WHERE until <= ?");
  }

  /**
   * Impose a sanction, or lengthen one in force. Never shortens, and never lowers the rank
   * needed to lift it: otherwise a moderator could end an admin's mute by re-imposing it.
   */
  impose(sanction: Sanction): void {
    this.upsert.run({
      room_id: sanction.roomId,
      participant_id: sanction.participantId,
      kind: sanction.kind,
      until: sanction.until,
      by_id: sanction.byId,
      by_priority: sanction.byPriority,
      created_at: sanction.createdAt,
    });
  }

  /** The sanction of `kind` in force now, if any. */
  active(roomId: string, participantId: string, kind: SanctionKind, nowMs: number): Sanction | undefined {
    const row = this.one.get(roomId, participantId, kind, nowMs);
    return row && toSanction(row);
  }

  /** Every sanction in force in a room (for a moderators' listing, which no route serves yet). */
  activeInRoom(roomId: string, nowMs: number): Sanction[] {
    return this.inRoom.all(roomId, nowMs).map(toSanction);
  }

  /** The sanctions of one kind in force in a room (e.g. its bans), oldest first. */
  /** The rooms where a sanction of this kind holds the participant now. */
  roomsWith(participantId: string, kind: SanctionKind, nowMs: number): string[] {
    return this.ofParticipant.all(participantId, kind, nowMs);
  }

  list(roomId: string, kind: SanctionKind, nowMs: number): Sanction[] {
    return this.ofKind.all(roomId, kind, nowMs).map(toSanction);
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
    byPriority: row.by_priority,
    createdAt: row.created_at,
  };
}
