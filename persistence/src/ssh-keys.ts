import type { Result } from "@mesh/schema";
import { err, ok } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { isUniqueViolation } from "./sqlite-errors.ts";

/** A public key registered for the SSH front door; `publicKey` is the key's SSH wire blob in base64. */
export interface SshKeyRecord {
  id: string;
  userId: string;
  /** The owner's label for it ("laptop"). */
  name: string;
  /** The key type, e.g. ssh-ed25519. */
  algo: string;
  publicKey: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  createdAt: number;
  /** Last successful SSH login with it (ms epoch), 0 for never. */
  lastUsedAt: number;
}

interface SshKeyRow {
  id: string;
  user_id: string;
  name: string;
  algo: string;
  public_key: string;
  fingerprint: string;
  created_at: number;
  last_used_at: number;
}

const COLUMNS = "id, user_id, name, algo, public_key, fingerprint, created_at, last_used_at";

/** SSH public keys, per account; an account's keys go with it (foreign key). */
export class SshKeyRepo {
  private readonly insert: BetterSqlite3.Statement<[SshKeyRow]>;
  private readonly ofUser: BetterSqlite3.Statement<[string], SshKeyRow>;
  private readonly countOf: BetterSqlite3.Statement<[string], number>;
  private readonly remove: BetterSqlite3.Statement<[string, string]>;
  private readonly touch: BetterSqlite3.Statement<[number, string]>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO ssh_keys (${COLUMNS})
       VALUES (@id, @user_id, @name, @algo, @public_key, @fingerprint, @created_at, @last_used_at)`,
    );
    this.ofUser = db.prepare(`SELECT ${COLUMNS} FROM ssh_keys WHERE user_id = ? ORDER BY created_at, rowid`);
    this.countOf = db.prepare<[string], number>("SELECT count(*) FROM ssh_keys WHERE user_id = ?").pluck();
    this.remove = db.prepare("DELETE FROM ssh_keys WHERE user_id = ? AND id = ?");
    this.touch = db.prepare("UPDATE ssh_keys SET last_used_at = ? WHERE id = ?");
  }

  /** Adds the key unless the account already has it (conflict). Throws (FOREIGN KEY) for an unknown user. */
  add(key: Omit<SshKeyRecord, "lastUsedAt">): Result<SshKeyRecord> {
    const row: SshKeyRow = {
      id: key.id,
      user_id: key.userId,
      name: key.name,
      algo: key.algo,
      public_key: key.publicKey,
      fingerprint: key.fingerprint,
      created_at: key.createdAt,
      last_used_at: 0,
    };
    try {
      this.insert.run(row);
    } catch (error) {
      if (isUniqueViolation(error, "ssh_keys.user_id")) return err("conflict", `this key (${key.fingerprint}) is already registered`);
      throw error;
    }
    return ok(toRecord(row));
  }

  /** The account's keys, oldest first. */
  list(userId: string): SshKeyRecord[] {
    return this.ofUser.all(userId).map(toRecord);
  }

  count(userId: string): number {
    return this.countOf.get(userId) ?? 0;
  }

  /** True when the account had that key; another account's key id is as unknown as a missing one. */
  delete(userId: string, id: string): boolean {
    return this.remove.run(userId, id).changes > 0;
  }

  markUsed(id: string, now: number): void {
    this.touch.run(now, id);
  }
}

function toRecord(row: SshKeyRow): SshKeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    algo: row.algo,
    publicKey: row.public_key,
    fingerprint: row.fingerprint,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
