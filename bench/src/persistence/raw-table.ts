import Database from "better-sqlite3";

/** The same `messages` table and indexes as persistence's first migration, for the raw baseline. */
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
    reactions   TEXT NOT NULL
  );
  CREATE UNIQUE INDEX messages_room_seq ON messages (room_id, seq) WHERE to_id = '';
  CREATE UNIQUE INDEX messages_nonce ON messages (room_id, author_id, nonce) WHERE nonce <> '';
  CREATE INDEX messages_thread ON messages (room_id, thread_id, seq) WHERE to_id = '';
`;

/** One message as the positional values of an INSERT, in table column order. */
export type RawRow = [string, string, number, string, string, string, string, string, number, number, number, string, string, string];

/** A bare better-sqlite3 file with the server's pragmas and the messages table, nothing else. */
export const openRawDatabase = (file: string): Database.Database => {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.exec(MESSAGES_DDL);
  return db;
};

/** Table shape as `name type notnull pk` per column, to catch the baseline drifting from the real schema. */
export const messagesShape = (db: Database.Database): string =>
  (db.pragma("table_info(messages)") as { name: string; type: string; notnull: number; pk: number }[])
    .map((c) => `${c.name} ${c.type} ${c.notnull} ${c.pk}`)
    .join(", ");

export const indexNames = (db: Database.Database): string =>
  (db.pragma("index_list(messages)") as { name: string }[])
    .map((i) => i.name)
    .filter((name) => !name.startsWith("sqlite_autoindex"))
    .sort()
    .join(", ");
