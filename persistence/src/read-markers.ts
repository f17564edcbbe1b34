import type BetterSqlite3 from "better-sqlite3";

/** What a participant has not read in one room. */
export interface UnreadCount {
  readSeq: number;
  /** Room messages after readSeq that others sent and are not deleted. */
  unread: number;
  /** Of those, the ones that mention the participant. */
  mentions: number;
}

interface UnreadRow {
  room_id: string;
  read_seq: number;
  unread: number;
  mentions: number;
}

/**
 * Read markers: per room and participant, the room seq up to which every message counts as
 * read. And the unread and mention counts they give.
 */
export class ReadRepo {
  private readonly advance: BetterSqlite3.Statement<[{ room: string; participant: string; seq: number; now: number }]>;
  private readonly marker: BetterSqlite3.Statement<[string, string], number>;
  private readonly mark: (room: string, participant: string, seq: number, now: number) => number;
  private readonly counts: BetterSqlite3.Statement<[{ participant: string; rooms: string }], UnreadRow>;

  constructor(db: BetterSqlite3.Database) {
    // Never past the room's last message: a marker from the future would hide what comes next.
    this.advance = db.prepare(
      `INSERT INTO read_markers (room_id, participant_id, seq, updated_at)
       VALUES (@room, @participant, min(@seq,
         coalesce((SELECT max(seq) FROM messages WHERE room_id = @room AND to_id = ''), 0)), @now)
       ON CONFLICT (room_id, participant_id) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
       WHERE excluded.seq > read_markers.seq`,
    );
    this.marker = db
      .prepare<[string, string], number>("SELECT seq FROM read_markers WHERE room_id = ? AND participant_id = ?")
      .pluck();
    this.mark = db.transaction((room: string, participant: string, seq: number, now: number) => {
      this.advance.run({ room, participant, seq: Math.floor(seq), now });
      return this.marker.get(room, participant) ?? 0;
    });
    // One statement for every room: each count is a range on its own index from the marker on.
    this.counts = db.prepare(
      `SELECT r.room_id, coalesce(k.seq, 0) AS read_seq,
         (SELECT count(*) FROM messages AS m
          WHERE m.room_id = r.room_id AND m.to_id = '' AND m.seq > coalesce(k.seq, 0)
            AND m.deleted = 0 AND m.author_id <> @participant) AS unread,
         (SELECT count(*) FROM message_mentions AS x
          WHERE x.participant_id = @participant AND x.room_id = r.room_id AND x.seq > coalesce(k.seq, 0)) AS mentions
       FROM (SELECT DISTINCT value AS room_id FROM json_each(@rooms)) AS r
       LEFT JOIN read_markers AS k ON k.room_id = r.room_id AND k.participant_id = @participant`,
    );
  }

  /** Moves the marker forward to `seq` (never back, never past the room's last message); returns the seq in force. */
  markRead(roomId: string, participantId: string, seq: number, now: number): number {
    return this.mark(roomId, participantId, seq, now);
  }

  /** Unread and mention counts for each of `roomIds`; a room never read counts from the start. */
  unread(participantId: string, roomIds: readonly string[]): Map<string, UnreadCount> {
    const rows = this.counts.all({ participant: participantId, rooms: JSON.stringify(roomIds) });
    return new Map(rows.map((row) => [row.room_id, { readSeq: row.read_seq, unread: row.unread, mentions: row.mentions }]));
  }
}
