import fs from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { matchMaker, Server } from "@colyseus/core";
import { Encoder } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { WebSocket as NodeWebSocket } from "ws";
import { type BotEventRetention, DEFAULT_BOT_EVENT_RETENTION, openDatabase } from "@mesh/persistence";
import { CloseCode, DEFAULT_ROOM_ID, DEFAULT_ROOM_SIZE, MAX_FRAME_BYTES, ROOM_TYPE } from "@mesh/schema";
import { loadOrCreateSecret } from "./auth/keys.ts";
import { TokenService } from "./auth/tokens.ts";
import { type BridgeSettings, BridgeWorker, DEFAULT_BRIDGE_SETTINGS } from "./bots/bridge.ts";
import { BotEvents } from "./bots/events.ts";
import { BotController, botMeshUrl, createBotRuntime } from "./bots/controller/index.ts";
import { wireBotPresence } from "./bots/presence.ts";
import type { Config } from "./config.ts";
import { Gate } from "./gate/authorize.ts";
import { openSshDoor, type SshDoor, SshDoorError } from "./ssh/door.ts";
import { loadOrCreateHostKey } from "./ssh/host-key.ts";
import { UploadStore } from "./uploads/store.ts";
import { RELEASE_GRACE_MS, sweepReleasedUploads } from "./uploads/sweep.ts";
import { configureApp } from "./http/app.ts";
import { guardRequests } from "./http/guard.ts";
import { KeyedRateLimiter } from "./limits.ts";
import type { Logger } from "./logger.ts";
import { Connections } from "./realtime/connections.ts";
import { defineMeshRoom } from "./realtime/mesh-room.ts";
import { openRoom } from "./realtime/open-room.ts";
import { RoomRegistry } from "./realtime/room-registry.ts";
import type { Services } from "./realtime/services.ts";

// Colyseus core checks `client.readyState !== WebSocket.OPEN` when a client reconnects: a global
// only Node 22 has. On Node 20 every reconnection would fail with a ReferenceError without this.
const globals = globalThis as { WebSocket?: unknown };
globals.WebSocket ??= NodeWebSocket;

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  /** The SSH front door, when MESH_SSH_PORT is set. */
  ssh?: SshDoor;
  close(): Promise<void>;
}

/** A start-up problem a user can fix, reported as one clear sentence instead of a stack trace. */
export class StartupError extends Error {}

function prepareDataDir(dir: string): void {
  try {
    // Password hashes and the signing key live here: readable by the server's user only.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new StartupError(`data folder ${dir} is not writable (${code}); set MESH_DATA_DIR to a folder you own`);
  }
}

function explainListenError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === "EADDRINUSE") return new StartupError(`port ${port} is already in use; stop the other program or set PORT`);
  if (error.code === "EACCES") return new StartupError(`no permission to listen on port ${port}; use a port above 1024`);
  if (error.code === "EADDRNOTAVAIL") return new StartupError(`this machine has no address to listen on as HOST; check HOST`);
  return error;
}

/**
 * Try the port with a bare socket first: the transport prints its own stack trace for a
 * failed listen, and a user deserves one clear sentence instead.
 */
function probePort(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => reject(explainListenError(error, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function listen(colyseus: Server, port: number, host: string): Promise<void> {
  await probePort(port, host);
  try {
    await colyseus.listen(port, host);
  } catch (error) {
    throw explainListenError(error as NodeJS.ErrnoException, port);
  }
}

// A full window is 100 messages of up to 8,000 characters; start the encoder big enough
// for ordinary rooms (it still grows, with a warning, for a window of maximal messages).
Encoder.BUFFER_SIZE = 512 * 1024;

const SESSION_SWEEP_MS = 10_000;
/** How often, and how many new messages at most, the search index catches up. */
const SEARCH_INDEX_MS = 100;
const SEARCH_INDEX_ROWS = 200;
/** A trigram index costs per character: 200 long messages were seconds of blocked thread, so text bounds a call too. */
const SEARCH_INDEX_CHARS = 16_000;
/** How often uploads that deleted messages let go of are looked for. */
const UPLOAD_SWEEP_MS = 5_000;
/** How often retention drops old bot events. */
const BOT_EVENT_PRUNE_MS = 60_000;
/** How often the bot events' growth is looked at (a fast-growing queue is pruned before the minute is up). */
const BOT_EVENT_CHECK_MS = 2_000;
/** Joins per participant: plenty for tabs and reconnects, too few to churn the matchmaker. */
const JOINS_PER_S = 2;
const JOIN_BURST = 20;
/** History pages per participant: paging back through a long room, or an SDK filling a gap, stays well inside. */
const READS_PER_S = 20;
const READ_BURST = 100;

/** Build and start everything on one port: REST, Colyseus rooms, static pages. */
export interface StartOptions {
  /** How often sockets of expired sessions are looked for (tests shorten it). */
  sessionSweepMs?: number;
  /** How often released uploads are swept, and how long they wait first (tests shorten both). */
  uploadSweepMs?: number;
  uploadGraceMs?: number;
  /** Webhook delivery for bridge bots (tests shorten backoff and timeouts). */
  bridge?: Partial<BridgeSettings>;
  /** How often, and by which rule, old bot events are dropped. */
  botEventPruneMs?: number;
  botEventRetention?: BotEventRetention;
}

export async function startServer(config: Config, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  prepareDataDir(config.dataDir);
  const hostKey = config.sshPort === null ? undefined : loadOrCreateHostKey(config.dataDir);
  if (hostKey && !hostKey.ok) throw new StartupError(hostKey.error);
  const dbFile = path.join(config.dataDir, "mesh.sqlite");
  const db = openDatabase(dbFile);
  fs.chmodSync(dbFile, 0o600); // SQLite gives its -wal and -shm files the same mode
  if (!db.rooms.get(DEFAULT_ROOM_ID)) {
    db.rooms.create({
      id: DEFAULT_ROOM_ID,
      name: "Lobby",
      topic: "Where everyone arrives",
      private: false,
      width: DEFAULT_ROOM_SIZE,
      depth: DEFAULT_ROOM_SIZE,
      exits: {},
      createdBy: "",
      createdAt: Date.now(),
    });
  }
  const botRuntime = await createBotRuntime(config, log);
  const bridge = new BridgeWorker(db, log, {
    ...DEFAULT_BRIDGE_SETTINGS,
    allowPrivate: config.webhookPrivate,
    maxAttempts: config.webhookAttempts,
    timeoutMs: config.webhookTimeoutS * 1000,
    ...options.bridge,
  });
  const services: Services = {
    config,
    log,
    db,
    gate: new Gate(db),
    tokens: new TokenService(loadOrCreateSecret(config.dataDir), config.sessionTtlS),
    connections: new Connections(),
    rooms: new RoomRegistry(openRoom),
    limits: {
      inputs: new KeyedRateLimiter(config.ratePerS, config.rateBurst),
      auth: new KeyedRateLimiter(config.authRatePerMin / 60, config.authRatePerMin),
      joins: new KeyedRateLimiter(JOINS_PER_S, JOIN_BURST),
      roomCreates: new KeyedRateLimiter(config.roomCreatesPerMin / 60, config.roomCreatesPerMin),
      reads: new KeyedRateLimiter(READS_PER_S, READ_BURST),
    },
    startedAt: Date.now(),
    uploads: new UploadStore(config.dataDir, config.uploadMaxBytes, (sha256) => db.uploads.countBySha(sha256) > 0),
    botEvents: new BotEvents(db, log, () => bridge.kick()),
    controller: new BotController({
      db,
      runtime: botRuntime,
      log,
      meshUrl: () => botMeshUrl(config, (httpServer.address() as AddressInfo).port),
      onRevoked: (sessionId) => services.connections.closeSession(sessionId, CloseCode.SessionRevoked, "bot run ended"),
    }),
    audit: (entry) => {
      const stored = db.audit.append(entry);
      log.info(
        { audit: stored.seq, hash: stored.hash, action: stored.action, actor: stored.actorId, target: stored.target },
        "audit",
      );
      return stored;
    },
  };

  const defaultRole = services.gate.role(config.defaultRole);
  if (!defaultRole || defaultRole.name === "owner") {
    db.close();
    throw new StartupError(
      `MESH_DEFAULT_ROLE=${config.defaultRole} is not a role new accounts can get; use member, spectator or a custom role`,
    );
  }

  const httpServer = http.createServer();
  const transport = new WebSocketTransport({ server: httpServer, maxPayload: MAX_FRAME_BYTES });
  const colyseus = new Server({
    transport,
    greet: false,
    gracefullyShutdown: false,
    express: (app) => configureApp(app, services),
  });
  colyseus.define(ROOM_TYPE, defineMeshRoom(services)).filterBy(["room"]);
  // Rooms are started by the server (RoomRegistry.ensureOpen), never by a client's `create`.
  matchMaker.controller.exposedMethods = ["joinOrCreate", "join", "joinById", "reconnect"];

  try {
    await listen(colyseus, config.port, config.host);
  } catch (error) {
    db.close();
    throw error;
  }
  guardRequests(httpServer, config, log); // wraps the listeners Colyseus attached in listen()
  wireBotPresence(services); // started bridge and polling bots are present without a socket
  // Bots that were running before a restart come back (they need the port), if their owner may still run them.
  await services.controller.restore((bot) => services.gate.authorize(bot.ownerId, "manage_own_bots").ok);
  // No room starts here: each runs from its first join or REST send until it is idle.

  // Sessions that expire (or are revoked by another path) lose their sockets within a sweep.
  const sweep = setInterval(() => {
    const now = Date.now();
    const closed = services.connections.closeInactive(
      (sessionId) => db.sessions.isActive(sessionId, now),
      CloseCode.SessionRevoked,
      "session expired",
    );
    if (closed) log.info({ closed }, "closed sockets of expired sessions");
    // A safety net under the checks made when access changes: nobody stays where they may no longer be.
    for (const room of services.rooms.all()) room.recheckAccess();
    try {
      db.sanctions.prune(now); // ended mutes and cooldowns: nothing reads them any more
    } catch (error) {
      // A disk that refuses writes must not take the process down from a timer; rooms report it too.
      log.warn({ err: error }, "could not prune ended sanctions");
    }
  }, options.sessionSweepMs ?? SESSION_SWEEP_MS);
  sweep.unref();

  // New messages reach the search index here, off the rooms' ticks, 200 rows or 16,000 characters at a time,
  // so one call never holds the thread for long; after a crash the backlog is picked up the same way.
  const indexer = setInterval(() => {
    try {
      db.search.indexPending(SEARCH_INDEX_ROWS, SEARCH_INDEX_CHARS);
    } catch (error) {
      log.warn({ err: error }, "could not index new messages for search");
    }
  }, SEARCH_INDEX_MS);
  indexer.unref();

  // Uploads whose last message was deleted leave here, off the ticks, once the grace is over: the
  // record, and the file unless other uploads share its bytes (those a restart interrupted too).
  const uploadSweep = setInterval(() => {
    try {
      sweepReleasedUploads(db, services.uploads, Date.now(), options.uploadGraceMs ?? RELEASE_GRACE_MS);
    } catch (error) {
      log.warn({ err: error }, "could not remove released uploads");
    }
  }, options.uploadSweepMs ?? UPLOAD_SWEEP_MS);
  uploadSweep.unref();

  // Bridge bots' webhooks are called off the ticks, a few at a time; old bot events leave by retention.
  bridge.start();
  const retention = options.botEventRetention ?? DEFAULT_BOT_EVENT_RETENTION;
  const pruneEveryMs = options.botEventPruneMs ?? BOT_EVENT_PRUNE_MS;
  let lastPrune = Date.now();
  // Checked often, pruned every minute, or at once when some bot's queue grew by a quarter of its
  // byte budget since (a busy room of long messages fills every bot's queue there fast).
  const botEventPrune = setInterval(() => {
    const now = Date.now();
    const fastest = Math.max(0, ...db.botEvents.bytesSincePrune.values());
    if (now - lastPrune < pruneEveryMs && fastest < retention.keepBytesPerBot / 4) return;
    lastPrune = now;
    try {
      db.botEvents.prune(now, retention);
    } catch (error) {
      log.warn({ err: error }, "could not prune old bot events");
    }
  }, Math.min(pruneEveryMs, BOT_EVENT_CHECK_MS));
  botEventPrune.unref();

  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${shownHost}:${port}`;
  let ssh: SshDoor | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await ssh?.close(); // SSH users are told and their sessions revoked while the database is open
      clearInterval(sweep);
      clearInterval(indexer);
      clearInterval(uploadSweep);
      clearInterval(botEventPrune);
      services.botEvents.close(); // waiting polls answer now, not after 25 s
      await bridge.close();
      await services.controller.close(); // running stays set in the database: restore() brings them back
      await colyseus.gracefullyShutdown(false);
      db.close();
    })();
    return closing;
  };
  if (hostKey?.ok && config.sshPort !== null) {
    try {
      ssh = await openSshDoor(services, {
        port: config.sshPort,
        host: config.host,
        hostKey: hostKey.value,
        // Each SSH user's MUD is an SDK client of this server, over loopback (never MESH_BOT_URL's Service address).
        meshUrl: botMeshUrl({ ...config, botUrl: "" }, port),
        idleMs: config.sshIdleS * 1000,
        maxConnections: config.sshMaxConnections,
        connectionsPerAddress: config.sshConnectionsPerAddress,
        sweepMs: options.sessionSweepMs ?? SESSION_SWEEP_MS,
      });
    } catch (error) {
      await close();
      throw error instanceof SshDoorError ? new StartupError(error.message) : error;
    }
  }
  return { url, port, services, ssh, close };
}
