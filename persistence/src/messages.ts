import { type MessageData, mentions } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { MESSAGE_COLUMNS, type MessageRow, pairOf, readWithin, toMessage, toRow } from "./message-rows.ts";
import { MessageUploads } from "./message-uploads.ts";

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

/** A DM history query: like PageQuery, over one pair's own seq. */
export type DirectPageQuery = Omit<PageQuery, "threadId">;

/** One tick's writes: new messages, and stored ones that changed (edit, delete, reaction, pin, lock). */
export interface MessageBatch {
  appended: readonly MessageData[];
  amended: readonly MessageData[];
}

/** A thread of a room: its root, and its replies that are not deleted. */
export interface ThreadSummary {
  root: MessageData;
  replyCount: number;
  lastReplyTs: number;
}

/** Threads by latest reply, newest first; `before` is an exclusive bound on that reply's ts. */
export interface ThreadQuery {
  limit: number;
  before?: number;
}

interface Bounds {
  room: string;
  /** The thread id for room pages, the pair for DM pages. */
  key: string;
  after: number;
  before: number;
  limit: number;
}

type Statement<P, R = unknown> = BetterSqlite3.Statement<[P], R>;
type Pages = Record<"newest" | "oldest", Statement<Bounds, MessageRow>>;

const SEQ_RANGE = "room_id = @room AND seq > @after AND seq < @before";
const ROOT_COLUMNS = MESSAGE_COLUMNS.split(", ").map((column) => `r.${column}`).join(", ");

/**
 * Message history: the hot path. The server stores each tick's new and changed messages with
 * one `storeBatch` call, which is one transaction however many rows it holds. Room messages are
 * numbered by the room's seq; DMs (to_id <> '') by their pair's own seq.
 */
export class MessageRepo {
  private readonly insert: Statement<MessageRow>;
  private readonly amend: Statement<MessageRow>;
  private readonly forgetMentions: Statement<string>;
  private readonly addMentions: Statement<{ id: string; names: string }>;
  private readonly uploads: MessageUploads;
  private readonly store: (batch: MessageBatch, now: number) => void;
  private readonly checkpoint: () => void;
  private readonly maxSeqOf: Statement<string, { n: number | null }>;
  private readonly maxPairSeqOf: BetterSqlite3.Statement<[string, string], { n: number | null }>;
  private readonly countOf: Statement<string, { n: number }>;
  private readonly byId: Statement<string, MessageRow>;
  private readonly byNonce: BetterSqlite3.Statement<[string, string, string], MessageRow>;
  private readonly latestNonces: BetterSqlite3.Statement<[string, number], { author_id: string; nonce: string }>;
  private readonly roomPages: Pages;
  private readonly threadPages: Pages;
  private readonly pairPages: Pages;
  private readonly directOf: Statement<{ room: string; participant: string; limit: number }, MessageRow>;
  private readonly pinnedIn: Statement<string, MessageRow>;
  private readonly threadsOf: Statement<
    { room: string; before: number; limit: number },
    MessageRow & { reply_count: number; last_reply_ts: number }
  >;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (@id, @room_id, @seq, @author_id, @author_name,
       @text, @thread_id, @to_id, @pair, @ts, @edited_ts, @deleted, @trust, @nonce, @reactions,
       @attachments, @pinned, @locked)`,
    );
    this.amend = db.prepare(
      `UPDATE messages SET text = @text, edited_ts = @edited_ts, deleted = @deleted, reactions = @reactions,
       attachments = @attachments, pinned = @pinned, locked = @locked WHERE id = @id`,
    );
    this.forgetMentions = db.prepare("DELETE FROM message_mentions WHERE message_id = ?");
    // Usernames are unique ignoring case (COLLATE NOCASE), so `IN` matches them as users typed them.
    // Only live room messages mention anyone, and nobody is notified of their own message.
    this.addMentions = db.prepare(
      `INSERT INTO message_mentions (message_id, room_id, participant_id, seq)
       SELECT m.id, m.room_id, u.id, m.seq FROM messages AS m, users AS u
       WHERE m.id = @id AND m.to_id = '' AND m.deleted = 0 AND u.id <> m.author_id
         AND u.username IN (SELECT value FROM json_each(@names))`,
    );
    this.uploads = new MessageUploads(db);
    this.store = db.transaction(({ appended, amended }: MessageBatch, now: number) => {
      for (const message of appended) {
        this.insert.run(toRow(message));
        this.mention(message);
        this.uploads.added(message);
      }
      for (const message of amended) {
        if (this.amend.run(toRow(message)).changes === 0) continue;
        this.forgetMentions.run(message.id);
        this.mention(message);
        this.uploads.changed(message, now);
      }
    });
    this.checkpoint = () => db.pragma("wal_checkpoint(TRUNCATE)");
    this.maxSeqOf = db.prepare("SELECT max(seq) AS n FROM messages WHERE room_id = ? AND to_id = ''");
    this.maxPairSeqOf = db.prepare(
      "SELECT max(seq) AS n FROM messages WHERE room_id = ? AND pair = ? AND to_id <> ''",
    );
    this.countOf = db.prepare("SELECT count(*) AS n FROM messages WHERE room_id = ? AND to_id = ''");
    this.byId = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`);
    // rowid follows insertion, so this is "the latest stored", room messages and DMs alike.
    this.latestNonces = db.prepare(
      "SELECT author_id, nonce FROM messages WHERE room_id = ? AND nonce <> '' ORDER BY rowid DESC LIMIT ?",
    );
    this.byNonce = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE room_id = ? AND author_id = ? AND nonce = ? AND nonce <> ''`,
    );
    // `to_id = ''` / `to_id <> ''` spelled out in each query lets SQLite use the partial indexes.
    const pages = (where: string, indexedBy = ""): Pages => {
      const page = (order: "ASC" | "DESC") =>
        db.prepare<[Bounds], MessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages ${indexedBy} WHERE ${SEQ_RANGE} AND ${where}
           ORDER BY seq ${order} LIMIT @limit`,
        );
      return { newest: page("DESC"), oldest: page("ASC") };
    };
    this.roomPages = pages("to_id = ''");
    // Without ANALYZE stats SQLite would scan the whole room for a sparse thread.
    this.threadPages = pages("to_id = '' AND thread_id = @key", "INDEXED BY messages_thread");
    this.pairPages = pages("to_id <> '' AND pair = @key");
    const direct = (column: "author_id" | "to_id") =>
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = @room AND ${column} = @participant
       AND to_id <> '' ORDER BY ts DESC, seq DESC LIMIT @limit`;
    // Sent and received each come newest first from their own index; a DM to oneself is both.
    this.directOf = db.prepare(
      `SELECT * FROM (SELECT * FROM (${direct("author_id")}) UNION SELECT * FROM (${direct("to_id")}))
       ORDER BY ts DESC, seq DESC LIMIT @limit`,
    );
    this.pinnedIn = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE room_id = ? AND pinned = 1 AND to_id = '' AND deleted = 0 ORDER BY seq`,
    );
    // Replies are grouped in thread order off the thread index; then each root is looked up by
    // id (CROSS JOIN keeps that order: otherwise SQLite may scan the whole room for roots).
    this.threadsOf = db.prepare(
      `SELECT ${ROOT_COLUMNS}, t.reply_count, t.last_reply_ts FROM (
         SELECT thread_id, count(*) AS reply_count, max(ts) AS last_reply_ts
         FROM messages INDEXED BY messages_thread
         WHERE room_id = @room AND to_id = '' AND thread_id > '' AND deleted = 0 AND id <> thread_id
         GROUP BY thread_id HAVING max(ts) < @before
       ) AS t CROSS JOIN messages AS r ON r.id = t.thread_id AND r.room_id = @room AND r.to_id = ''
       ORDER BY t.last_reply_ts DESC, r.seq DESC LIMIT @limit`,
    );
  }

  /**
   * Stores a tick's writes in ONE transaction: inserts `appended`, then applies `amended` by id
   * (text, editedTs, deleted, reactions, attachments, pinned, locked; an unknown id changes
   * nothing), keeping mentions and which messages carry which upload in step (an upload no
   * message carries any more is marked released at `now`). New messages are not indexed for
   * search here, which cost the tick many times their insert: SearchRepo.indexPending does that
   * later, in batches; edits and deletes of messages already indexed still change the index
   * here, at once. If any row breaks a constraint (a duplicate id, room or pair seq, or (room,
   * author, nonce)) it throws and NOTHING is stored, so the caller must dedupe first. A batch
   * that deletes a message then checkpoints the WAL, so the deleted text is not left in an old
   * page there (see openDatabase's secure_delete).
   */
  storeBatch(batch: MessageBatch, now = Date.now()): void {
    if (batch.appended.length === 0 && batch.amended.length === 0) return;
    this.store(batch, now);
    if (batch.amended.some((message) => message.deleted)) this.checkpoint();
  }

  /** storeBatch with new messages only. */
  appendBatch(messages: readonly MessageData[]): void {
    this.storeBatch({ appended: messages, amended: [] });
  }

  /** storeBatch with changed messages only. */
  updateBatch(messages: readonly MessageData[]): void {
    this.storeBatch({ appended: [], amended: messages });
  }

  /** Highest room-message seq in the room (DMs excluded); 0 when there is none. */
  maxSeq(roomId: string): number {
    return this.maxSeqOf.get(roomId)?.n ?? 0;
  }

  /** Highest seq of the DMs between `a` and `b` in the room (either order); 0 when there is none. */
  maxPairSeq(roomId: string, a: string, b: string): number {
    return this.maxPairSeqOf.get(roomId, pairOf(a, b))?.n ?? 0;
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
    const pages = query.threadId === undefined ? this.roomPages : this.threadPages;
    return readPage(pages, roomId, query.threadId ?? "", query, maxBytes);
  }

  /** pageWithin for the DMs between `a` and `b` in the room (either order), by their pair seq. */
  pageDirect(
    roomId: string,
    a: string,
    b: string,
    query: DirectPageQuery,
    maxBytes: number,
  ): { messages: MessageData[]; cut: boolean } {
    return readPage(this.pairPages, roomId, pairOf(a, b), query, maxBytes);
  }

  /** The latest `limit` DMs in the room that the participant sent or received, any pair, oldest first. */
  recentDirect(roomId: string, participantId: string, limit: number): MessageData[] {
    const rows = this.directOf.all({ room: roomId, participant: participantId, limit: toLimit(limit) });
    return rows.map(toMessage).reverse();
  }

  /** Pinned room messages that are not deleted, by seq. */
  pins(roomId: string): MessageData[] {
    return this.pinnedIn.all(roomId).map(toMessage);
  }

  /** Threads of a room with at least one reply that is not deleted, latest reply first. */
  threads(roomId: string, query: ThreadQuery): ThreadSummary[] {
    const rows = this.threadsOf.all({
      room: roomId,
      before: query.before ?? Number.POSITIVE_INFINITY,
      limit: toLimit(query.limit),
    });
    return rows.map(({ reply_count, last_reply_ts, ...root }) => ({
      root: toMessage(root),
      replyCount: reply_count,
      lastReplyTs: last_reply_ts,
    }));
  }

  /** The message an author already sent with this nonce, for idempotent retries. */
  findByNonce(roomId: string, authorId: string, nonce: string): MessageData | undefined {
    const row = this.byNonce.get(roomId, authorId, nonce);
    return row && toMessage(row);
  }

  /** (author, nonce) of the latest `limit` messages stored with a nonce, oldest first: a room's world starts with them. */
  recentNonces(roomId: string, limit: number): [string, string][] {
    return this.latestNonces.all(roomId, toLimit(limit)).reverse().map((r) => [r.author_id, r.nonce]);
  }

  get(id: string): MessageData | undefined {
    const row = this.byId.get(id);
    return row && toMessage(row);
  }

  /** Number of room messages (DMs excluded). */
  count(roomId: string): number {
    return this.countOf.get(roomId)?.n ?? 0;
  }

  private mention(message: MessageData): void {
    if (message.to !== "" || message.deleted) return;
    const names = mentions(message.text);
    if (names.length > 0) this.addMentions.run({ id: message.id, names: JSON.stringify(names) });
  }
}

function readPage(
  pages: Pages,
  room: string,
  key: string,
  query: DirectPageQuery,
  maxBytes: number,
): { messages: MessageData[]; cut: boolean } {
  const bounds: Bounds = {
    room,
    key,
    after: query.after ?? Number.MIN_SAFE_INTEGER,
    before: query.before ?? Number.MAX_SAFE_INTEGER,
    limit: toLimit(query.limit),
  };
  // Either way rows come nearest-first from the point asked about, so a byte budget keeps those.
  const forward = query.after !== undefined;
  const { rows, cut } = readWithin((forward ? pages.oldest : pages.newest).iterate(bounds), maxBytes);
  const messages = rows.map(toMessage);
  return { messages: forward ? messages : messages.reverse(), cut };
}

/** SQLite treats a negative LIMIT as "no limit"; callers mean none. */
function toLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
