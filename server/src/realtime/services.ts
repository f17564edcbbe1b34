import type { AuditEntry, MeshDatabase, NewAuditEntry } from "@mesh/persistence";
import type { TokenService } from "../auth/tokens.ts";
import type { BotController } from "../bots/controller/index.ts";
import type { BotEvents } from "../bots/events.ts";
import type { Config } from "../config.ts";
import type { Gate } from "../gate/authorize.ts";
import type { KeyedRateLimiter } from "../limits.ts";
import type { Logger } from "../logger.ts";
import type { UploadStore } from "../uploads/store.ts";
import type { Connections } from "./connections.ts";
import type { RoomRegistry } from "./room-registry.ts";

/** What rooms and routes share: built once in startServer, passed down, never global. */
export interface Services {
  config: Config;
  log: Logger;
  db: MeshDatabase;
  gate: Gate;
  tokens: TokenService;
  connections: Connections;
  rooms: RoomRegistry;
  /** Uploaded files by sha256 under the data folder. */
  uploads: UploadStore;
  /** What socketless bots are told: stored, polled by cursor, delivered to bridge webhooks. */
  botEvents: BotEvents;
  /** Runs controller-run bots (child processes or Pods) and remembers which should run. */
  controller: BotController;
  /** Per participant: every input (realtime and REST together), joins, room creation and history reads; per address: auth. */
  limits: {
    inputs: KeyedRateLimiter;
    auth: KeyedRateLimiter;
    joins: KeyedRateLimiter;
    roomCreates: KeyedRateLimiter;
    reads: KeyedRateLimiter;
  };
  startedAt: number;
  /** Append to the audit chain and log the entry with its hash, so the chain's head also lives outside the database. */
  audit(entry: NewAuditEntry): AuditEntry;
}
