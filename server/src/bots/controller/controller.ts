import type { BotRecord, MeshDatabase } from "@mesh/persistence";
import { DEFAULT_ROOM_ID, ErrorCode, err, ok, type Result } from "@mesh/schema";
import type { Logger } from "../../logger.ts";
import { RunTokens } from "./run-tokens.ts";
import { type BotRunState, type BotRunStatus, type BotRuntime, LaunchRefused, type LogLine } from "./types.ts";

export interface BotControllerOptions {
  db: MeshDatabase;
  runtime: BotRuntime;
  log: Logger;
  /** The URL a bot reaches this server at; asked at each start, since the port is known only once it listens. */
  meshUrl: () => string;
  /** Told each run token it revokes, so that session's sockets close at once rather than at the next sweep. */
  onRevoked?: (sessionId: string) => void;
  /** Lifetime of a run's token (a year: a run ends by being stopped, which revokes it). */
  runTokenTtlMs?: number;
}

/** States in which a start changes nothing (the bot is up, or about to be). */
const UNDER_WAY: ReadonlySet<BotRunState> = new Set(["running", "starting", "backoff"]);
const RUN_TOKEN_TTL_MS = 365 * 24 * 3600 * 1000;
/** The most log lines one call returns (the ring keeps at most 1,000). */
export const MAX_LOG_LINES = 1000;

/**
 * Starts and stops bots and remembers which should run. A channel-mode bot with a program runs in
 * the runtime with a fresh token per run; bridge and polling bots have no process, so for them
 * start and stop only change `running` (and tell `onPresence`).
 */
export class BotController {
  /** Bridge and polling bots: told when one should appear in (or leave) its rooms, at start, stop and restore. */
  onPresence?: (bot: BotRecord, running: boolean) => void;
  private readonly tokens: RunTokens;
  /** Per bot, the tail of its queue: a start and a stop of one bot never interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: BotControllerOptions) {
    this.tokens = new RunTokens(options.db, options.runTokenTtlMs ?? RUN_TOKEN_TTL_MS);
  }

  get runtimeKind(): BotRuntime["kind"] {
    return this.options.runtime.kind;
  }

  /** Runs the bot (a second start of a running bot changes nothing) and marks it to come back after a restart. */
  start(botId: string): Promise<Result<BotRunStatus>> {
    return this.serially(botId, () => this.startNow(botId));
  }

  /** Stops the bot, revokes its run token and marks it not to come back. */
  stop(botId: string): Promise<Result<BotRunStatus>> {
    return this.serially(botId, () => this.stopNow(botId));
  }

  status(botId: string): BotRunStatus {
    const bot = this.options.db.bots.get(botId);
    if (bot && bot.mode !== "channel") {
      return { state: bot.running ? "running" : "stopped", restarts: 0, detail: `${bot.mode} mode: present without a process` };
    }
    return this.options.runtime.status(botId);
  }

  /** The newest `limit` lines of the bot's output and of what the controller did to it, oldest first. */
  logs(botId: string, limit = MAX_LOG_LINES): LogLine[] {
    const n = Number.isFinite(limit) ? Math.max(1, Math.min(Math.floor(limit), MAX_LOG_LINES)) : MAX_LOG_LINES;
    return this.options.runtime.logs(botId, n);
  }

  /**
   * Starts every bot marked running: after a server restart, the bots that ran come back. Never
   * throws. `mayRun` says whether a bot's owner may still run it (a demoted owner's bots stay stopped).
   */
  async restore(mayRun: (bot: BotRecord) => boolean = () => true): Promise<number> {
    let started = 0;
    for (const bot of this.options.db.bots.wantedRunning()) {
      if (!mayRun(bot)) {
        this.options.log.warn({ bot: bot.id, owner: bot.ownerId }, "not bringing a bot back: its owner may no longer run it");
        this.options.db.bots.setRunning(bot.id, false);
        continue;
      }
      const result = await this.start(bot.id).catch((error: unknown) => err(ErrorCode.Internal, String(error)));
      if (result.ok) {
        started++;
        continue;
      }
      this.options.log.warn({ bot: bot.id, error: result.error }, "could not bring a bot back");
      // A bot whose program is gone can never start: say so once, not at every restart.
      if (result.error.code === ErrorCode.BadInput) this.options.db.bots.setRunning(bot.id, false);
    }
    if (started) this.options.log.info({ started }, "bots that were running are back");
    return started;
  }

  /** Stops the processes with the server; the database still says which bots run, so `restore()` brings them back. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.queues.values()]);
    await this.options.runtime.close();
  }

  private async startNow(botId: string): Promise<Result<BotRunStatus>> {
    if (this.closed) return err(ErrorCode.Internal, "the server is shutting down");
    const { db, runtime } = this.options;
    const bot = db.bots.get(botId);
    if (!bot) return err(ErrorCode.NotFound, `there is no bot ${botId}`);
    if (bot.mode !== "channel") {
      db.bots.setRunning(botId, true);
      this.onPresence?.(bot, true);
      return ok(this.status(botId));
    }
    if (!bot.program) {
      return err(ErrorCode.BadInput, "this bot has no program to run: a bring-your-own bot runs wherever its owner runs it, with its own token");
    }
    const current = runtime.status(botId);
    if (bot.running && UNDER_WAY.has(current.state)) return ok(current);

    const run = this.tokens.mint(botId);
    this.closeSessions(run.revoked);
    const name = db.users.get(botId)?.name ?? botId;
    const env = {
      MESH_URL: this.options.meshUrl(),
      MESH_TOKEN: run.token,
      MESH_ROOM: bot.rooms[0] ?? DEFAULT_ROOM_ID,
      MESH_BOT_ID: botId,
      MESH_BOT_NAME: name,
    };
    try {
      await runtime.start({ botId, name, program: bot.program, env });
    } catch (error) {
      db.sessions.revoke(run.sessionId);
      if (error instanceof LaunchRefused) return err(ErrorCode.BadInput, error.message);
      this.options.log.error({ err: error, bot: botId }, "bot runtime failed to start a bot");
      return err(ErrorCode.Internal, "the bot runtime could not start it");
    }
    db.bots.setRunning(botId, true);
    this.options.log.info({ bot: botId, program: bot.program, runtime: runtime.kind }, "bot started");
    return ok(runtime.status(botId));
  }

  private async stopNow(botId: string): Promise<Result<BotRunStatus>> {
    const { db, runtime } = this.options;
    const bot = db.bots.get(botId);
    if (!bot) return err(ErrorCode.NotFound, `there is no bot ${botId}`);
    if (bot.mode !== "channel") {
      db.bots.setRunning(botId, false);
      this.onPresence?.(bot, false);
      return ok(this.status(botId));
    }
    await runtime.stop(botId);
    this.closeSessions(this.tokens.revokeAll(botId));
    db.bots.setRunning(botId, false);
    if (bot.running) this.options.log.info({ bot: botId }, "bot stopped");
    return ok(runtime.status(botId));
  }

  private closeSessions(sessionIds: string[]): void {
    for (const id of sessionIds) this.options.onRevoked?.(id);
  }

  private serially<T>(botId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(botId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(botId, tail);
    void tail.then(() => {
      if (this.queues.get(botId) === tail) this.queues.delete(botId);
    });
    return next;
  }
}
