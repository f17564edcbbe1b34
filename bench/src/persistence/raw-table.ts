import Database from "better-sqlite3";

/**
 * The same `messages` columns (in table order) and plain indexes as persistence's migrations
 * leave them, for the raw baseline. Not the search index, its triggers or mentions: those are
 * what MessageRepo.storeBatch does beyond a raw insert, which the ratio is there to show.
 */
const MESSAGES_DDL = `
  CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    room_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    thread_id   TEXT NOT NULL,
    to_id       TEXT NOT NULL,
    ts          REAL NOT NULL,
    edited_ts   REAL NOT NULL,
    deleted     INTEGER NOT NULL,
    trust       TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    reactions   TEXT NOT NULL,
    pair        TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',
    pinned      INTEGER NOT NULL DEFAULT 0,
    locked      INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX messages_room_seq ON messages (room_id, seq) WHERE to_id = '';
  CREATE UNIQUE INDEX messages_nonce ON messages (room_id, author_id, nonce) WHERE nonce <> '';
  CREATE INDEX messages_thread ON messages (room_id, thread_id, seq) WHERE to_id = '';
  CREATE UNIQUE INDEX messages_pair_seq ON messages (room_id, pair, seq) WHERE to_id <> '';
  CREATE INDEX messages_dm_from ON messages (room_id, author_id, ts, seq) WHERE to_id <> '';
  CREATE INDEX messages_dm_to ON messages (room_id, to_id, ts, seq) WHERE to_id <> '';
  CREATE INDEX messages_pinned ON messages (room_id, seq) WHERE pinned = 1;
`;

/** One message as the positional values of an INSERT, in table column order. */
export type RawRow = [
  id: string,
  roomId: string,
  seq: number,
  authorId: string,
  authorName: string,
  text: string,
  threadId: string,
  to: string,
  ts: number,
  editedTs: number,
  deleted: number,
  trust: string,
  nonce: string,
  reactions: string,
  pair: string,
  attachments: string,
  pinned: number,
  locked: number,
];

/** A prepared INSERT of one RawRow. */
export const RAW_INSERT = `INSERT INTO messages VALUES (${Array(18).fill("?").join(", ")})`;

/** A bare better-sqlite3 file with the server's pragmas and the messages table, nothing else. */
export const openRawDatabase = (file: string): Database.Database => {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("secure_delete = ON");
  db.exec(MESSAGES_DDL);
  return db;
};

/** Table shape as `name type notnull pk` per column, to catch the baseline drifting from the real schema. */
export const messagesShape = (db: Database.Database): string =>
  (db.pragma("table_info(messages)") as { name: string; type: string; notnull: number; pk: number }[])
    .map((c) => `${c.name} ${c.type} ${c.notnull} ${c.pk}`)
    .join(", ");

/** Index names and their partial-index conditions, so a changed WHERE shows as drift too. */
export const indexNames = (db: Database.Database): string =>
  (db.pragma("index_list(messages)") as { name: string; unique: number; partial: number }[])
    .filter((i) => !i.name.startsWith("sqlite_autoindex"))
    .map((i) => `${i.name} ${i.unique} ${i.partial} (${indexColumns(db, i.name)})`)
    .sort()
    .join(", ");

const indexColumns = (db: Database.Database, index: string): string =>
  (db.pragma(`index_info(${index})`) as { name: string }[]).map((c) => c.name).join(" ");
