import type { MessageData, TrustLevel } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";

/** History query: `before`/`after` are exclusive seq bounds; results are always oldest first. */
export interface PageQuery {
  /** The `limit` room messages just below this seq. */
  before?: number;
  /** The `limit` room messages just above this seq (wins the direction when both are given). */
  after?: number;
  limit: number;
  /** Only messages whose threadId equals this (the root message itself is not included). */
  threadId?: string;
}

interface MessageRow {
  id: string;
  room_id: string;
  seq: number;
  author_id: string;
  author_name: string;
  text: string;
  thread_id: string;
  to_id: string;
  ts: number;
  edited_ts: number;
  deleted: number;
  trust: string;
  nonce: string;
  reactions: string;
}

interface Bounds {
  room: string;
  thread: string;
  after: number;
  before: number;
  limit: number;
}

type Statement<P, R = unknown> = BetterSqlite3.Statement<[P], R>;

const COLUMNS =
  "id, room_id, seq, author_id, author_name, text, thread_id, to_id, ts, edited_ts, deleted, trust, nonce, reactions";
// `to_id = ''` spelled out in each query lets SQLite use the partial (room_id, seq) indexes.
const ROOM_ONLY = "room_id = @room AND to_id = '' AND seq > @after AND seq < @before";

/**
 * Message history: the hot path. The server flushes each tick's new messages with one
 * `appendBatch` call, which is one transaction however many rows it holds.
 */
export class MessageRepo {
  private readonly insert: Statement<MessageRow>;
  private readonly amend: Statement<Pick<MessageRow, "id" | "text" | "edited_ts" | "deleted" | "reactions">>;
  private readonly insertAll: (rows: readonly MessageRow[]) => void;
  private readonly amendAll: (rows: readonly MessageRow[]) => void;
  private readonly maxSeqOf: Statement<string, { n: number | null }>;
  private readonly countOf: Statement<string, { n: number }>;
  private readonly byId: Statement<string, MessageRow>;
  private readonly byNonce: BetterSqlite3.Statement<[string, string, string], MessageRow>;
  private readonly newestFirst: Statement<Bounds, MessageRow>;
  private readonly newestFirstInThread: Statement<Bounds, MessageRow>;
  private readonly oldestFirst: Statement<Bounds, MessageRow>;
  private readonly oldestFirstInThread: Statement<Bounds, MessageRow>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO messages (${COLUMNS}) VALUES (@id, @room_id, @seq, @author_id, @author_name,
       @text, @thread_id, @to_id, @ts, @edited_ts, @deleted, @trust, @nonce, @reactions)`,
    );
    this.amend = db.prepare(
      `UPDATE messages SET text = @text, edited_ts = @edited_ts, deleted = @deleted,
       reactions = @reactions WHERE id = @id`,
    );
    this.insertAll = db.transaction((rows: readonly MessageRow[]) => {
      for (const row of rows) this.insert.run(row);
    });
    this.amendAll = db.transaction((rows: readonly MessageRow[]) => {
      for (const { id, text, edited_ts, deleted, reactions } of rows) {
        this.amend.run({ id, text, edited_ts, deleted, reactions });
      }
    });
    this.maxSeqOf = db.prepare(
      "SELECT max(seq) AS n FROM messages WHERE room_id = ? AND to_id = ''",
    );
    this.countOf = db.prepare(
      "SELECT count(*) AS n FROM messages WHERE room_id = ? AND to_id = ''",
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE id = ?`);
    this.byNonce = db.prepare(
      `SELECT ${COLUMNS} FROM messages
       WHERE room_id = ? AND author_id = ? AND nonce = ? AND nonce <> ''`,
    );
    const page = (thread: boolean, order: "ASC" | "DESC") =>
      db.prepare<[Bounds], MessageRow>(
        // Without ANALYZE stats SQLite would scan the whole room for a sparse thread.
        `SELECT ${COLUMNS} FROM messages ${thread ? "INDEXED BY messages_thread" : ""} WHERE ${ROOM_ONLY}
         ${thread ? "AND thread_id = @thread" : ""}
         ORDER BY seq ${order} LIMIT @limit`,
      );
    this.newestFirst = page(false, "DESC");
    this.newestFirstInThread = page(true, "DESC");
    this.oldestFirst = page(false, "ASC");
    this.oldestFirstInThread = page(true, "ASC");
  }

  /**
   * Inserts every message in ONE transaction. If any row breaks a constraint (a duplicate id,
   * room seq, or (room, author, nonce)), it throws and NOTHING of the batch is stored — so the
   * caller must dedupe (e.g. with `findByNonce` or its own in-memory index) before the tick flush.
   */
  appendBatch(messages: readonly MessageData[]): void {
    if (messages.length > 0) this.insertAll(messages.map(toRow));
  }

  /** Persists edits, deletions and reactions of existing messages (by id) in ONE transaction. */
  updateBatch(messages: readonly MessageData[]): void {
    if (messages.length > 0) this.amendAll(messages.map(toRow));
  }

  /** Highest room-message seq in the room (DMs excluded); 0 when there is none. */
  maxSeq(roomId: string): number {
    return this.maxSeqOf.get(roomId)?.n ?? 0;
  }

  /** The last `limit` room messages (DMs excluded), oldest first. */
  recent(roomId: string, limit: number): MessageData[] {
    return this.page(roomId, { limit });
  }

  /** Room messages (DMs excluded), oldest first; see PageQuery. */
  page(roomId: string, query: PageQuery): MessageData[] {
    return this.pageWithin(roomId, query, Number.POSITIVE_INFINITY).messages;
  }

  /**
   * A page whose texts add up to at most `maxBytes` of UTF-8 (at least one message always comes):
   * with `after` it ends early, otherwise it starts later; `cut` says so, and the caller pages on.
   */
  pageWithin(roomId: string, query: PageQuery, maxBytes: number): { messages: MessageData[]; cut: boolean } {
    const bounds: Bounds = {
      room: roomId,
      thread: query.threadId ?? "",
      after: query.after ?? Number.MIN_SAFE_INTEGER,
      before: query.before ?? Number.MAX_SAFE_INTEGER,
      // SQLite treats a negative LIMIT as "no limit".
      limit: Math.max(0, Math.floor(query.limit)),
    };
    const inThread = query.threadId !== undefined;
    // Either way rows come nearest-first from the point asked about, so a byte budget keeps those.
    const forward = query.after !== undefined;
    const statement = forward
      ? (inThread ? this.oldestFirstInThread : this.oldestFirst)
      : (inThread ? this.newestFirstInThread : this.newestFirst);
    // Rows are read one at a time and reading stops at the budget: a large `limit` over long
    // messages costs what the page holds, not what was asked for.
    const kept: MessageRow[] = [];
    let bytes = 0;
    let cut = false;
    for (const row of statement.iterate(bounds)) {
      bytes += Buffer.byteLength(row.text, "utf8");
      if (kept.length > 0 && bytes > maxBytes) {
        cut = true;
        break;
      }
      kept.push(row);
    }
    const messages = kept.map(toMessage);
    return { messages: forward ? messages : messages.reverse(), cut };
  }

  /** The message an author already sent with this nonce, for idempotent retries. */
  findByNonce(roomId: string, authorId: string, nonce: string): MessageData | undefined {
    const row = this.byNonce.get(roomId, authorId, nonce);
    return row && toMessage(row);
  }

  get(id: string): MessageData | undefined {
    const row = this.byId.get(id);
    return row && toMessage(row);
  }

  /** Number of room messages (DMs excluded). */
  count(roomId: string): number {
    return this.countOf.get(roomId)?.n ?? 0;
  }
}

function toRow(message: MessageData): MessageRow {
  return {
    id: message.id,
    room_id: message.roomId,
    seq: message.seq,
    author_id: message.authorId,
    author_name: message.authorName,
    text: message.text,
    thread_id: message.threadId,
    to_id: message.to,
    ts: message.ts,
    edited_ts: message.editedTs,
    deleted: message.deleted ? 1 : 0,
    trust: message.trust,
    nonce: message.nonce,
    reactions: JSON.stringify(message.reactions),
  };
}

function toMessage(row: MessageRow): MessageData {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    authorId: row.author_id,
    authorName: row.author_name,
    text: row.text,
    threadId: row.thread_id,
    to: row.to_id,
    ts: row.ts,
    editedTs: row.edited_ts,
    deleted: row.deleted !== 0,
    trust: row.trust as TrustLevel,
    nonce: row.nonce,
    reactions: JSON.parse(row.reactions) as Record<string, string[]>,
  };
}
