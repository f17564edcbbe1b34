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
  // Chat: DMs numbered per pair, attachments, pins, thread locks, full-text search, mentions and
  // read markers, uploads, private rooms with invites.
  `
  ALTER TABLE messages ADD COLUMN pair        TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE messages ADD COLUMN pinned      INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN locked      INTEGER NOT NULL DEFAULT 0;
  -- A DM's pair is its two participant ids in binary (code point) order, joined by one space.
  UPDATE messages SET pair = CASE WHEN author_id <= to_id THEN author_id || ' ' || to_id
                                  ELSE to_id || ' ' || author_id END
  WHERE to_id <> '';
  -- DMs used to draw from the room's counter (and could repeat after a restart): renumber each
  -- pair 1, 2, 3... in the order they were sent, so the unique index below holds.
  UPDATE messages SET seq = numbered.n
  FROM (SELECT id, row_number() OVER (PARTITION BY room_id, pair ORDER BY seq, ts, id) AS n
        FROM messages WHERE to_id <> '') AS numbered
  WHERE messages.id = numbered.id;
  CREATE UNIQUE INDEX messages_pair_seq ON messages (room_id, pair, seq) WHERE to_id <> '';
  -- A participant's DMs in a room, sent and received, newest last (recentDirect).
  CREATE INDEX messages_dm_from ON messages (room_id, author_id, ts, seq) WHERE to_id <> '';
  CREATE INDEX messages_dm_to ON messages (room_id, to_id, ts, seq) WHERE to_id <> '';
  CREATE INDEX messages_pinned ON messages (room_id, seq) WHERE pinned = 1;

  -- Search index over message text; it holds no copy of the text (external content, linked by
  -- rowid). Every row is indexed as it stands (a deleted one's text is '', so it adds nothing),
  -- which keeps FTS5's own 'rebuild' and 'integrity-check' valid; the triggers keep it in step
  -- whoever writes messages. secure-delete takes a row's entries out of the index pages instead
  -- of adding delete markers that would leave its trigrams in the file until a merge.
  CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text, content = 'messages', tokenize = 'trigram remove_diacritics 1'
  );
  INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
  INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text
  BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;

  -- Who a room message mentions; goes with its message.
  CREATE TABLE message_mentions (
    message_id     TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    room_id        TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    PRIMARY KEY (message_id, participant_id)
  ) WITHOUT ROWID;
  CREATE INDEX message_mentions_participant ON message_mentions (participant_id, room_id, seq);

  -- The last room seq each participant has read in each room.
  CREATE TABLE read_markers (
    room_id        TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (room_id, participant_id)
  ) WITHOUT ROWID;

  -- One row per upload; several may share a file (same sha256), which goes when the last does.
  CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    room_id     TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    uploader_id TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE INDEX uploads_sha256 ON uploads (sha256);
  CREATE INDEX uploads_room ON uploads (room_id);

  ALTER TABLE rooms ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE room_invites (
    room_id        TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    by_id          TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (room_id, participant_id)
  ) WITHOUT ROWID;
  CREATE INDEX room_invites_participant ON room_invites (participant_id);
  `,
  // Search indexing leaves the tick's transaction: indexing a row cost the tick ~20x its insert.
  // New rows wait above a durable watermark until SearchRepo.indexPending indexes them in rowid
  // order and moves the watermark in the same transaction, so a crash in between loses nothing.
  // Invariant: every messages row with rowid <= through is in messages_fts as it stands, and no
  // row above. So edits and deletes of indexed rows still change the index at once (FTS5's
  // 'delete' needs the old text, which only the trigger sees), and those of rows above change
  // nothing there. A new row can land at or below the watermark only when the newest rows were
  // deleted (a room's) and SQLite reuses their rowids: such a row is indexed at once. FTS5's
  // integrity-check (rank 1) holds once indexPending has caught up; a 'rebuild' must set
  // through = max(rowid). Every row of an existing database is indexed already.
  `
  CREATE TABLE messages_fts_progress (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    through INTEGER NOT NULL
  );
  INSERT INTO messages_fts_progress (id, through) SELECT 1, coalesce(max(rowid), 0) FROM messages;
  DROP TRIGGER messages_fts_insert;
  DROP TRIGGER messages_fts_delete;
  DROP TRIGGER messages_fts_update;
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  WHEN new.rowid <= (SELECT through FROM messages_fts_progress)
  BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.rowid <= (SELECT through FROM messages_fts_progress)
  BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
  WHEN old.text IS NOT new.text AND old.rowid <= (SELECT through FROM messages_fts_progress)
  BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  `,
  // Which messages carry which upload, so a file is served only to someone who may read a live
  // message carrying it, or to its uploader until a message lets it go. released_at: when the
  // last message carrying it was deleted (0 while carried or never attached); the server removes
  // such an upload, and its file, after a grace period. Deleted messages already carry nothing,
  // so an upload let go of before this step looks never attached (its uploader alone sees it).
  `
  CREATE TABLE message_uploads (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    upload_id  TEXT NOT NULL,
    PRIMARY KEY (message_id, upload_id)
  ) WITHOUT ROWID;
  CREATE INDEX message_uploads_upload ON message_uploads (upload_id);
  INSERT OR IGNORE INTO message_uploads (message_id, upload_id)
  SELECT m.id, json_extract(a.value, '$.id') FROM messages AS m, json_each(m.attachments) AS a
  WHERE m.deleted = 0 AND m.attachments <> '[]' AND a.type = 'object'
    AND json_type(a.value, '$.id') = 'text';

  ALTER TABLE uploads ADD COLUMN released_at INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX uploads_released ON uploads (released_at) WHERE released_at > 0;
  `,
  // Bots (issue 8). A bot is a user of kind 'bot' with an owner; its token is a session whose
  // secret is kept only as a sha256 hash (token_hash), so revoking the token is revoking the
  // session and closes its sockets the way a logout does. `bots` holds what only bots have:
  // how it connects (channel, bridge, polling), the reference program the controller runs, and
  // whether the controller should keep it running (restored after a server restart).
  // `bot_events` is the durable queue of what socketless bots are told: polled by cursor (id),
  // and for bridge bots delivered to the webhook with retries, then dead-lettered.
  `
  ALTER TABLE users ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
  CREATE INDEX users_owner ON users (owner_id) WHERE owner_id <> '';
  ALTER TABLE sessions ADD COLUMN token_hash TEXT;
  CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash) WHERE token_hash IS NOT NULL;

  CREATE TABLE bots (
    id             TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    owner_id       TEXT NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('channel', 'bridge', 'polling')),
    program        TEXT NOT NULL DEFAULT '',
    webhook_url    TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    rooms          TEXT NOT NULL DEFAULT '[]',
    running        INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
  );
  CREATE INDEX bots_owner ON bots (owner_id);

  CREATE TABLE bot_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    delivery        TEXT NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX bot_events_bot ON bot_events (bot_id, id);
  CREATE INDEX bot_events_due ON bot_events (next_attempt_at) WHERE delivery = 'pending';
  `,
  // Bot event delivery (issue 8). Only a bot's oldest pending event (its head) carries a real
  // next_attempt_at, the others wait behind it, so `bot_events_due` lists heads only and webhooks
  // get a bot's events in order. The partial indexes find a bot's pending events and dead letters
  // without walking what was delivered; `bot_event_horizon` remembers how far retention pruned
  // each bot's events, so a poll from behind it can say that events were missed.
  `
  CREATE INDEX bot_events_pending ON bot_events (bot_id, id) WHERE delivery = 'pending';
  CREATE INDEX bot_events_dead ON bot_events (bot_id, id) WHERE delivery = 'dead';
  CREATE TABLE bot_event_horizon (
    bot_id         TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    pruned_through INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // SSH public keys (issue 10): a human's keys for the SSH front door, kept as the key's type and
  // its public blob (base64), unique per account by SHA256 fingerprint (the same key may belong to
  // two accounts: a login names whose key it is). They go with the account.
  `
  CREATE TABLE ssh_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    algo         TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, fingerprint)
  );
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
