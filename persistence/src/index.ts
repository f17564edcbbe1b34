export { openDatabase, type MeshDatabase } from "./database.ts";
export { MIGRATIONS } from "./migrations.ts";
export { UserRepo, type NewUser, type UserWithPasswordHash } from "./users.ts";
export { SessionRepo, type NewSession } from "./sessions.ts";
export { BotRepo, type BotMode, type BotRecord } from "./bots.ts";
export {
  BotEventRepo,
  DEFAULT_BOT_EVENT_RETENTION,
  type BotEventDelivery,
  type BotEventRecord,
  type BotEventRetention,
} from "./bot-events.ts";
export { RoomRepo, type RoomPatch } from "./rooms.ts";
export { InviteRepo } from "./invites.ts";
export { FOREVER_MS, SanctionRepo, type Sanction, type SanctionKind } from "./sanctions.ts";
export {
  MessageRepo,
  type DirectPageQuery,
  type MessageBatch,
  type PageQuery,
  type ThreadQuery,
  type ThreadSummary,
} from "./messages.ts";
export { pairOf } from "./message-rows.ts";
export { SearchRepo, type SearchHit, type SearchScope } from "./search.ts";
export { ReadRepo, type UnreadCount } from "./read-markers.ts";
export { UploadRepo, type UploadRecord } from "./uploads.ts";
export { RoleRepo, type NewRole } from "./roles.ts";
export { SettingsRepo } from "./settings.ts";
export { SshKeyRepo, type SshKeyRecord } from "./ssh-keys.ts";
export {
  AuditLog,
  GENESIS_HASH,
  type AuditEntry,
  type AuditVerification,
  type NewAuditEntry,
} from "./audit.ts";
