import type { ParticipantData, ParticipantKind, Result } from "@mesh/schema";
import { err, ok } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { isUniqueViolation } from "./sqlite-errors.ts";

export interface NewUser {
  id: string;
  username: string;
  passwordHash: string;
  kind: ParticipantKind;
  role: string;
  /** A bot's owner; omitted for humans. */
  ownerId?: string;
}

export type UserWithPasswordHash = ParticipantData & { passwordHash: string };

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  kind: ParticipantKind;
  role: string;
  owner_id: string;
  created_at: number;
}

const COLUMNS = "id, username, password_hash, kind, role, owner_id, created_at";

/** Accounts. Usernames are unique ignoring ASCII case (they are ASCII by schema rule). */
export class UserRepo {
  private readonly insert: BetterSqlite3.Statement<[UserRow]>;
  private readonly byId: BetterSqlite3.Statement<[string], UserRow>;
  private readonly byUsername: BetterSqlite3.Statement<[string], UserRow>;
  private readonly all: BetterSqlite3.Statement<[], UserRow>;
  private readonly updateRole: BetterSqlite3.Statement<[string, string]>;
  private readonly countAll: BetterSqlite3.Statement<[], { n: number }>;
  private readonly countRole: BetterSqlite3.Statement<[string], { n: number }>;
  private readonly remove: BetterSqlite3.Statement<[string]>;
  private readonly byIds: BetterSqlite3.Statement<[string], UserRow>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO users (${COLUMNS})
       VALUES (@id, @username, @password_hash, @kind, @role, @owner_id, @created_at)`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
    this.byUsername = db.prepare(`SELECT ${COLUMNS} FROM users WHERE username = ?`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM users ORDER BY created_at, rowid`);
    this.updateRole = db.prepare("UPDATE users SET role = ? WHERE id = ?");
    this.countAll = db.prepare("SELECT count(*) AS n FROM users");
    this.countRole = db.prepare("SELECT count(*) AS n FROM users WHERE role = ?");
    this.remove = db.prepare("DELETE FROM users WHERE id = ?");
    this.byIds = db.prepare(`SELECT ${COLUMNS} FROM users WHERE id IN (SELECT value FROM json_each(?))`);
  }

  create(user: NewUser): Result<ParticipantData> {
    const row: UserRow = {
      id: user.id,
      username: user.username,
      password_hash: user.passwordHash,
      kind: user.kind,
      role: user.role,
      owner_id: user.ownerId ?? "",
      created_at: Date.now(),
    };
    try {
      this.insert.run(row);
    } catch (error) {
      if (isUniqueViolation(error, "users.username")) {
        return err("conflict", `username "${user.username}" is taken`);
      }
      if (isUniqueViolation(error, "users.id")) {
        return err("conflict", `user id "${user.id}" already exists`);
      }
      throw error;
    }
    return ok(toParticipant(row));
  }

  count(): number {
    return this.countAll.get()?.n ?? 0;
  }

  get(id: string): ParticipantData | undefined {
    const row = this.byId.get(id);
    return row && toParticipant(row);
  }

  /** Several accounts in one query (a command to 500 bots reads them at once); unknown ids are left out. */
  getMany(ids: readonly string[]): ParticipantData[] {
    return ids.length === 0 ? [] : this.byIds.all(JSON.stringify(ids)).map(toParticipant);
  }

  findByUsername(username: string): UserWithPasswordHash | undefined {
    const row = this.byUsername.get(username);
    return row && { ...toParticipant(row), passwordHash: row.password_hash };
  }

  setRole(id: string, role: string): boolean {
    return this.updateRole.run(role, id).changes > 0;
  }

  list(): ParticipantData[] {
    return this.all.all().map(toParticipant);
  }

  /** Deletes the account and, by cascade, its sessions (a bot's row and events too). */
  delete(id: string): boolean {
    return this.remove.run(id).changes > 0;
  }

  countWithRole(role: string): number {
    return this.countRole.get(role)?.n ?? 0;
  }
}

function toParticipant(row: UserRow): ParticipantData {
  return {
    id: row.id,
    name: row.username,
    kind: row.kind,
    role: row.role,
    ownerId: row.owner_id,
    createdAt: row.created_at,
  };
}
