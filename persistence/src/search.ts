import { err, type MessageData, ok, type Result } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from "./message-rows.ts";

/** Who searches and where: room messages of `roomIds`, and their own DMs; `room` narrows both. */
export interface SearchScope {
  participantId: string;
  /** Rooms whose messages the participant may read. */
  roomIds: readonly string[];
  room?: string;
  limit: number;
  offset: number;
}

export interface SearchHit {
  message: MessageData;
  /** bm25: lower is a better match. */
  rank: number;
}

/** The trigram tokenizer can match nothing shorter. */
const MIN_TERM_LENGTH = 3;

interface SearchParams {
  query: string;
  participant: string;
  rooms: string;
  room: string | null;
  limit: number;
  offset: number;
}

const HIT_COLUMNS = MESSAGE_COLUMNS.split(", ").map((column) => `m.${column}`).join(", ");

/** Full-text search over message text (the messages_fts trigram index), always literal. */
export class SearchRepo {
  private readonly matching: BetterSqlite3.Statement<[SearchParams], MessageRow & { rank: number }>;

  constructor(db: BetterSqlite3.Database) {
    this.matching = db.prepare(
      `SELECT ${HIT_COLUMNS}, bm25(messages_fts) AS rank
       FROM messages_fts CROSS JOIN messages AS m ON m.rowid = messages_fts.rowid
       WHERE messages_fts MATCH @query AND m.deleted = 0
         AND (@room IS NULL OR m.room_id = @room)
         AND ((m.to_id = '' AND m.room_id IN (SELECT value FROM json_each(@rooms)))
              OR (m.to_id <> '' AND (m.author_id = @participant OR m.to_id = @participant)))
       ORDER BY rank, m.ts DESC, m.seq DESC
       LIMIT @limit OFFSET @offset`,
    );
  }

  /**
   * Messages containing every whitespace-separated term of `q` (case- and diacritic-insensitive),
   * best match first, then newest. Terms shorter than 3 characters are dropped; a query left
   * with none is bad_input. Whatever `q` holds is searched as text, never as FTS5 syntax.
   */
  search(q: string, scope: SearchScope): Result<SearchHit[]> {
    const query = literalQuery(q);
    if (query === undefined) return err("bad_input", "search terms need at least 3 characters");
    const rows = this.matching.all({
      query,
      participant: scope.participantId,
      rooms: JSON.stringify(scope.roomIds),
      room: scope.room ?? null,
      limit: Math.max(0, Math.floor(scope.limit)),
      offset: Math.max(0, Math.floor(scope.offset)),
    });
    return ok(rows.map(({ rank, ...row }) => ({ message: toMessage(row), rank })));
  }
}

/**
 * An FTS5 query that finds `q`'s terms as plain text: each term an FTS5 string ("..." with
 * inner quotes doubled), all of them ANDed. NUL splits terms too: FTS5 would end the query there.
 */
export function literalQuery(q: string): string | undefined {
  const terms = q.split(/[\s\u0000]+/u).filter((term) => [...term].length >= MIN_TERM_LENGTH);
  if (terms.length === 0) return undefined;
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" AND ");
}
