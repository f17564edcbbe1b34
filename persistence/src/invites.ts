import type BetterSqlite3 from "better-sqlite3";

/**
 * Who is invited into which private room. An invite goes with the room (RoomRepo.delete) and
 * with the account (foreign key); the participant must be a stored user.
 */
export class InviteRepo {
  private readonly insert: BetterSqlite3.Statement<[string, string, string, number]>;
  private readonly remove: BetterSqlite3.Statement<[string, string]>;
  private readonly one: BetterSqlite3.Statement<[string, string], number>;
  private readonly ofRoom: BetterSqlite3.Statement<[string], string>;
  private readonly ofParticipant: BetterSqlite3.Statement<[string], string>;

  constructor(db: BetterSqlite3.Database) {
    // Inviting again keeps the first invite (who invited, and when).
    this.insert = db.prepare(
      `INSERT INTO room_invites (room_id, participant_id, by_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (room_id, participant_id) DO NOTHING`,
    );
    this.remove = db.prepare("DELETE FROM room_invites WHERE room_id = ? AND participant_id = ?");
    this.one = db.prepare<[string, string], number>("SELECT 1 FROM room_invites WHERE room_id = ? AND participant_id = ?").pluck();
    this.ofParticipant = db.prepare<[string], string>("SELECT room_id FROM room_invites WHERE participant_id = ?").pluck();
    this.ofRoom = db
      .prepare<[string], string>("SELECT participant_id FROM room_invites WHERE room_id = ? ORDER BY created_at, participant_id")
      .pluck();
  }

  /** True when newly invited, false when already. Throws (FOREIGN KEY) if no such user exists. */
  invite(roomId: string, participantId: string, byId: string, now: number): boolean {
    return this.insert.run(roomId, participantId, byId, now).changes > 0;
  }

  /** True when there was an invite to withdraw. */
  uninvite(roomId: string, participantId: string): boolean {
    return this.remove.run(roomId, participantId).changes > 0;
  }

  isInvited(roomId: string, participantId: string): boolean {
    return this.one.get(roomId, participantId) !== undefined;
  }

  /** Participant ids, in the order they were invited. */
  invitees(roomId: string): string[] {
    return this.ofRoom.all(roomId);
  }

  /** The rooms a participant is invited to. */
  roomsOf(participantId: string): string[] {
    return this.ofParticipant.all(participantId);
  }
}
