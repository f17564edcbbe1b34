import type BetterSqlite3 from "better-sqlite3";

/** Triggers that make the audit log append-only at the SQL level; re-applied on every open. */
export const AUDIT_GUARDS = `
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
`;

/**
 * Schema steps in order; step i brings `PRAGMA user_version` from i to i + 1.
 * Never edit a released step: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('human', 'bot')),
    role          TEXT NOT NULL,
    created_at    INTEGER NOT NULL
  );
  CREATE INDEX users_role ON users (role);

  CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX sessions_user ON sessions (user_id);

  CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    topic      TEXT NOT NULL,
    width      INTEGER NOT NULL,
    depth      INTEGER NOT NULL,
    exits      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  -- No foreign key to rooms: a tick's batch must never fail over room bookkeeping.
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

  CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    priority    INTEGER NOT NULL,
    permissions TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  );

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    ts        INTEGER NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
  );
  ${AUDIT_GUARDS}
  `,
  // Mutes, kick cooldowns and (later) bans outlive the socket and the process: one row per
  // room, participant and kind, holding when it ends.
  `
  CREATE TABLE sanctions (
    room_id        TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('mute', 'kick', 'ban')),
    until          INTEGER NOT NULL,
    by_id          TEXT NOT NULL,
    -- the highest rank that imposed or lengthened it: only that rank or above may lift it
    by_priority    INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (room_id, participant_id, kind)
  ) WITHOUT ROWID;
  CREATE INDEX rooms_created_by ON rooms (created_by);
  `,
];

/** Apply every pending step, each in its own IMMEDIATE transaction (safe if two processes race). */
export function migrate(db: BetterSqlite3.Database): number {
  const step = db.transaction((): boolean => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `database schema version ${version} is newer than this build supports (${MIGRATIONS.length})`,
      );
    }
    if (version === MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version]);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // keep stepping until current
  }
  db.exec(AUDIT_GUARDS);
  return db.pragma("user_version", { simple: true }) as number;
}
