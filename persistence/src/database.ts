import Database from "better-sqlite3";
import { AuditLog } from "./audit.ts";
import { BotEventRepo } from "./bot-events.ts";
import { BotRepo } from "./bots.ts";
import { InviteRepo } from "./invites.ts";
import { MessageRepo } from "./messages.ts";
import { migrate } from "./migrations.ts";
import { ReadRepo } from "./read-markers.ts";
import { RoleRepo } from "./roles.ts";
import { RoomRepo } from "./rooms.ts";
import { SanctionRepo } from "./sanctions.ts";
import { SearchRepo } from "./search.ts";
import { SessionRepo } from "./sessions.ts";
import { SettingsRepo } from "./settings.ts";
import { SshKeyRepo } from "./ssh-keys.ts";
import { UploadRepo } from "./uploads.ts";
import { UserRepo } from "./users.ts";

export interface MeshDatabase {
  readonly sqlite: Database.Database;
  users: UserRepo;
  sessions: SessionRepo;
  bots: BotRepo;
  botEvents: BotEventRepo;
  rooms: RoomRepo;
  invites: InviteRepo;
  sanctions: SanctionRepo;
  messages: MessageRepo;
  search: SearchRepo;
  reads: ReadRepo;
  uploads: UploadRepo;
  roles: RoleRepo;
  settings: SettingsRepo;
  sshKeys: SshKeyRepo;
  audit: AuditLog;
  /** Checkpoints the WAL into the main file, then closes; safe to call twice. */
  close(): void;
}

/** Opens (or creates) the database file and brings its schema up to date. The directory must exist. */
export function openDatabase(file: string): MeshDatabase {
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    // Freed space is zeroed, so a deleted message's text does not linger in free pages or cells.
    sqlite.pragma("secure_delete = ON");
    migrate(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return {
    sqlite,
    users: new UserRepo(sqlite),
    sessions: new SessionRepo(sqlite),
    bots: new BotRepo(sqlite),
    botEvents: new BotEventRepo(sqlite),
    rooms: new RoomRepo(sqlite),
    invites: new InviteRepo(sqlite),
    sanctions: new SanctionRepo(sqlite),
    messages: new MessageRepo(sqlite),
    search: new SearchRepo(sqlite),
    reads: new ReadRepo(sqlite),
    uploads: new UploadRepo(sqlite),
    roles: new RoleRepo(sqlite),
    settings: new SettingsRepo(sqlite),
    sshKeys: new SshKeyRepo(sqlite),
    audit: new AuditLog(sqlite),
    close() {
      if (!sqlite.open) return;
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
      sqlite.close();
    },
  };
}
