import { err, type MessageData, ok, type Result } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from "./message-rows.ts";

/** Who searches and where: room messages of `roomIds`, and their own DMs in those rooms (a ban or lost invitation hides both); `room` narrows both. */
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

/**
 * Full-text search over message text (the messages_fts trigram index), always literal. New
 * messages are found once `indexPending` has indexed them; edits and deletes apply at once.
 */
export class SearchRepo {
  private readonly matching: BetterSqlite3.Statement<[SearchParams], MessageRow & { rank: number }>;
  private readonly indexBatch: (maxRows: number) => number;

  constructor(db: BetterSqlite3.Database) {
    const through = db.prepare<[], number>("SELECT through FROM messages_fts_progress").pluck();
    const nextRows = db.prepare<[number, number], { n: number; last: number | null }>(
      "SELECT count(*) AS n, max(rowid) AS last FROM (SELECT rowid FROM messages WHERE rowid > ? ORDER BY rowid LIMIT ?)",
    );
    const add = db.prepare<[number, number]>(
      "INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ?",
    );
    const advance = db.prepare<[number]>("UPDATE messages_fts_progress SET through = ?");
    // Rows and watermark move together, so a crash leaves the rows above it to the next call.
    const index = db.transaction((maxRows: number): number => {
      const from = through.get() ?? 0;
      const { n, last } = nextRows.get(from, maxRows) ?? { n: 0, last: null };
      if (last === null) return 0;
      add.run(from, last);
      advance.run(last);
      return n;
    });
    // IMMEDIATE: it reads, then writes on what it read; another process must not write between.
    this.indexBatch = (maxRows) => index.immediate(maxRows);
    this.matching = db.prepare(
      `SELECT ${HIT_COLUMNS}, bm25(messages_fts) AS rank
       FROM messages_fts CROSS JOIN messages AS m ON m.rowid = messages_fts.rowid
       WHERE messages_fts MATCH @query AND m.deleted = 0
         AND (@room IS NULL OR m.room_id = @room)
         AND ((m.to_id = '' AND m.room_id IN (SELECT value FROM json_each(@rooms)))
              OR (m.to_id <> '' AND (m.author_id = @participant OR m.to_id = @participant)
                  AND m.room_id IN (SELECT value FROM json_each(@rooms))))
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

  /**
   * Indexes up to `maxRows` stored messages that search does not find yet, oldest first, in one
   * transaction of its own; returns how many (fewer than `maxRows` means it has caught up). Each
   * costs about what the index added to storing it, but many in one call cost far less apiece.
   */
  indexPending(maxRows: number): number {
    if (!(maxRows >= 1)) return 0; // NaN too
    return this.indexBatch(Math.min(Math.floor(maxRows), Number.MAX_SAFE_INTEGER));
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
