import type BetterSqlite3 from "better-sqlite3";

export interface NewSession {
  id: string;
  userId: string;
  /** ms epoch after which the session no longer authenticates. */
  expiresAt: number;
  /** For a bot token: the sha256 (hex) of the token's secret; the token itself is never stored. */
  tokenHash?: string;
}

/** Login sessions; a session authenticates while it exists, is not revoked and has not expired. */
export class SessionRepo {
  private readonly insert: BetterSqlite3.Statement<[string, string, number, number, string | null]>;
  private readonly byHash: BetterSqlite3.Statement<[string, number], { id: string; user_id: string; expires_at: number }>;
  private readonly active: BetterSqlite3.Statement<[string, number], { user_id: string }>;
  private readonly revokeOne: BetterSqlite3.Statement<[number, string]>;
  private readonly revokeUser: BetterSqlite3.Statement<[number, string], { id: string }>;
  private readonly revokePrefixed: BetterSqlite3.Statement<[number, string, number, string], { id: string }>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      "INSERT INTO sessions (id, user_id, created_at, expires_at, token_hash) VALUES (?, ?, ?, ?, ?)",
    );
    this.byHash = db.prepare(
      "SELECT id, user_id, expires_at FROM sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
    );
    this.active = db.prepare(
      "SELECT user_id FROM sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > ?",
    );
    this.revokeOne = db.prepare(
      "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    );
    this.revokeUser = db.prepare(
      "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING id",
    );
    this.revokePrefixed = db.prepare(
      "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND substr(id, 1, ?) = ? AND revoked_at IS NULL RETURNING id",
    );
  }

  /** Throws if `userId` is not a user (foreign key) or `id` is taken. */
  create(session: NewSession): void {
    this.insert.run(session.id, session.userId, Date.now(), session.expiresAt, session.tokenHash ?? null);
  }

  /** The active session a bot token's hash opens, if any. */
  activeByTokenHash(tokenHash: string, nowMs: number): { id: string; userId: string; expiresAt: number } | undefined {
    const row = this.byHash.get(tokenHash, nowMs);
    return row && { id: row.id, userId: row.user_id, expiresAt: row.expires_at };
  }

  isActive(id: string, nowMs: number): boolean {
    return this.activeOwner(id, nowMs) !== undefined;
  }

  /** The user an active session belongs to; undefined if it is unknown, revoked or expired. */
  activeOwner(id: string, nowMs: number): string | undefined {
    return this.active.get(id, nowMs)?.user_id;
  }

  /** True if the session existed and was not already revoked. */
  revoke(id: string): boolean {
    return this.revokeOne.run(Date.now(), id).changes > 0;
  }

  /** Revokes the user's sessions whose id starts with `prefix` (a bot's controller runs); returns their ids. */
  revokeWithPrefix(userId: string, prefix: string): string[] {
    return this.revokePrefixed.all(Date.now(), userId, prefix.length, prefix).map((row) => row.id);
  }

  /** Revokes every not-yet-revoked session of the user; returns their ids (to close sockets). */
  revokeAllForUser(userId: string): string[] {
    return this.revokeUser.all(Date.now(), userId).map((row) => row.id);
  }
}
