import type { BotEvent, BotEventType } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";

/** `none`: polled only; `pending` → `delivered` | `dead`: on its way to a bridge bot's webhook. */
export type BotEventDelivery = "none" | "pending" | "delivered" | "dead";

/** A stored event with its delivery bookkeeping (the webhook queue and dead letters). */
export interface BotEventRecord extends BotEvent {
  botId: string;
  attempts: number;
  lastError: string;
}

/**
 * How long a bot's events are kept: the newest `keepPerBot`, at most `keepBytesPerBot` of them
 * (a busy room of long messages, copied to every bot there, must not grow the file without bound),
 * none older than `maxAgeMs`.
 */
export interface BotEventRetention {
  maxAgeMs: number;
  keepPerBot: number;
  keepBytesPerBot: number;
  /** Rows one prune deletes by age at most, so one call never holds the thread for long. */
  batch: number;
}

export const DEFAULT_BOT_EVENT_RETENTION: BotEventRetention = {
  maxAgeMs: 7 * 24 * 3600 * 1000,
  keepPerBot: 10_000,
  keepBytesPerBot: 16 * 1024 * 1024,
  batch: 5_000,
};

/** next_attempt_at of a pending event waiting behind its bot's head: never due by itself. */
const WAITING = Number.MAX_SAFE_INTEGER;

interface Row {
  id: number;
  bot_id: string;
  type: BotEventType;
  payload: string;
  created_at: number;
  attempts: number;
  last_error: string;
}

interface NewRow {
  bot: string;
  type: BotEventType;
  payload: string;
  at: number;
  delivery: "none" | "pending";
}

const COLUMNS = "id, bot_id, type, payload, created_at, attempts, last_error";

/**
 * The durable queue of what socketless bots are told. Ids increase across the mesh, so a bot's
 * cursor is the last id it saw. For bridge bots only the oldest pending event of a bot (its head)
 * is ever due; the rest wait behind it, so a webhook receives a bot's events in order.
 */
export class BotEventRepo {
  private readonly insert: BetterSqlite3.Statement<[NewRow]>;
  private readonly afterStmt: BetterSqlite3.Statement<[string, number, number], Row>;
  private readonly dueStmt: BetterSqlite3.Statement<[number, number], Row>;
  private readonly pendingStmt: BetterSqlite3.Statement<[string, number], Row>;
  private readonly pendingCountStmt: BetterSqlite3.Statement<[string], { n: number }>;
  private readonly deadStmt: BetterSqlite3.Statement<[string, number], Row>;
  private readonly markDelivered: BetterSqlite3.Statement<[number]>;
  private readonly markDead: BetterSqlite3.Statement<[string, number]>;
  private readonly markFailed: BetterSqlite3.Statement<[string, number]>;
  private readonly promote: BetterSqlite3.Statement<[{ at: number; bot: string }]>;
  private readonly schedule: BetterSqlite3.Statement<[number, number]>;
  private readonly dropPending: BetterSqlite3.Statement<[string]>;
  private readonly oldest: BetterSqlite3.Statement<[], { id: number; bot_id: string; created_at: number }>;
  private readonly deleteOne: BetterSqlite3.Statement<[number]>;
  private readonly nthNewest: BetterSqlite3.Statement<[string, number], { id: number }>;
  private readonly lastBefore: BetterSqlite3.Statement<[string, number], { id: number | null }>;
  private readonly deleteBefore: BetterSqlite3.Statement<[string, number]>;
  private readonly raiseHorizon: BetterSqlite3.Statement<[string, number]>;
  private readonly firstOverBytes: BetterSqlite3.Statement<[string, number], { id: number }>;
  private readonly newestStmt: BetterSqlite3.Statement<[], { seq: number }>;
  private readonly horizonStmt: BetterSqlite3.Statement<[string], { pruned_through: number }>;
  private readonly promoteAll: BetterSqlite3.Statement<[number]>;
  private readonly pruneTx: (now: number, retention: BotEventRetention) => number;
  /** Bots that gained events since the last prune: only theirs can be over `keepPerBot`. */
  private readonly touched = new Set<string>();

  constructor(private readonly db: BetterSqlite3.Database) {
    // One statement, cheap enough for a room's tick: a pending event becomes its bot's head when
    // no other is pending (due at once), otherwise it waits behind.
    this.insert = db.prepare(
      `INSERT INTO bot_events (bot_id, type, payload, created_at, delivery, next_attempt_at)
       VALUES (@bot, @type, @payload, @at, @delivery,
         CASE WHEN @delivery = 'pending' AND EXISTS (SELECT 1 FROM bot_events WHERE bot_id = @bot AND delivery = 'pending')
           THEN ${WAITING} ELSE @at END)`,
    );
    this.afterStmt = db.prepare(`SELECT ${COLUMNS} FROM bot_events WHERE bot_id = ? AND id > ? ORDER BY id LIMIT ?`);
    this.dueStmt = db.prepare(
      `SELECT ${COLUMNS} FROM bot_events WHERE delivery = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    );
    this.pendingStmt = db.prepare(
      `SELECT ${COLUMNS} FROM bot_events WHERE bot_id = ? AND delivery = 'pending' ORDER BY id LIMIT ?`,
    );
    this.pendingCountStmt = db.prepare("SELECT count(*) AS n FROM bot_events WHERE bot_id = ? AND delivery = 'pending'");
    this.deadStmt = db.prepare(
      `SELECT ${COLUMNS} FROM bot_events WHERE bot_id = ? AND delivery = 'dead' ORDER BY id DESC LIMIT ?`,
    );
    this.markDelivered = db.prepare("UPDATE bot_events SET delivery = 'delivered', attempts = attempts + 1 WHERE id = ? AND delivery = 'pending'");
    this.markDead = db.prepare(
      "UPDATE bot_events SET delivery = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ? AND delivery = 'pending'",
    );
    this.markFailed = db.prepare(
      `UPDATE bot_events SET attempts = attempts + 1, last_error = ?, next_attempt_at = ${WAITING} WHERE id = ? AND delivery = 'pending'`,
    );
    this.promote = db.prepare(
      `UPDATE bot_events SET next_attempt_at = @at WHERE id =
         (SELECT min(id) FROM bot_events WHERE bot_id = @bot AND delivery = 'pending') AND next_attempt_at = ${WAITING}`,
    );
    this.schedule = db.prepare("UPDATE bot_events SET next_attempt_at = ? WHERE id = ? AND delivery = 'pending'");
    this.dropPending = db.prepare("UPDATE bot_events SET delivery = 'none', next_attempt_at = 0 WHERE bot_id = ? AND delivery = 'pending'");
    this.oldest = db.prepare("SELECT id, bot_id, created_at FROM bot_events ORDER BY id");
    this.deleteOne = db.prepare("DELETE FROM bot_events WHERE id = ?");
    this.nthNewest = db.prepare("SELECT id FROM bot_events WHERE bot_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?");
    this.lastBefore = db.prepare("SELECT max(id) AS id FROM bot_events WHERE bot_id = ? AND id < ?");
    // The newest event that no longer fits in the byte budget, counting back from the newest.
    this.firstOverBytes = db.prepare(
      `SELECT id FROM (SELECT id, sum(length(CAST(payload AS BLOB))) OVER (ORDER BY id DESC) AS total
         FROM bot_events WHERE bot_id = ?) WHERE total > ? ORDER BY id DESC LIMIT 1`,
    );
    this.deleteBefore = db.prepare("DELETE FROM bot_events WHERE bot_id = ? AND id < ?");
    this.raiseHorizon = db.prepare(
      `INSERT INTO bot_event_horizon (bot_id, pruned_through) VALUES (?, ?)
       ON CONFLICT (bot_id) DO UPDATE SET pruned_through = max(pruned_through, excluded.pruned_through)`,
    );
    this.newestStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'bot_events'");
    this.horizonStmt = db.prepare("SELECT pruned_through FROM bot_event_horizon WHERE bot_id = ?");
    // Every bot with pending events has a scheduled head (pruning may have deleted the old one).
    this.promoteAll = db.prepare(
      `UPDATE bot_events SET next_attempt_at = ? WHERE next_attempt_at = ${WAITING} AND id IN
         (SELECT min(id) FROM bot_events WHERE delivery = 'pending' GROUP BY bot_id)`,
    );
    this.pruneTx = db.transaction((now: number, retention: BotEventRetention) => this.pruneNow(now, retention));
  }

  /** Store one event for a bot; `pending` queues it for the bot's webhook. */
  append(botId: string, type: BotEventType, roomId: string, data: unknown, delivery: "none" | "pending", now = Date.now()): BotEvent {
    const payload = JSON.stringify({ roomId, data });
    const result = this.insert.run({ bot: botId, type, payload, at: now, delivery });
    this.touched.add(botId);
    this.bytesSincePrune.set(botId, (this.bytesSincePrune.get(botId) ?? 0) + payload.length);
    return { id: Number(result.lastInsertRowid), type, roomId, at: now, data };
  }

  /** The highest event id ever given (a cursor beyond it was never handed out). */
  newestId(): number {
    return this.newestStmt.get()?.seq ?? 0;
  }

  /** A bot's events after `cursor`, oldest first. */
  after(botId: string, cursor: number, limit: number): BotEvent[] {
    return this.afterStmt.all(botId, cursor, limit).map(toEvent);
  }

  /** Heads whose next attempt is due (at most one per bot), soonest first. */
  due(now: number, limit: number): BotEventRecord[] {
    return this.dueStmt.all(now, limit).map(toRecord);
  }

  /** A bot's pending events, oldest (its head) first: the next batch for its webhook. */
  pending(botId: string, limit: number): BotEventRecord[] {
    return this.pendingStmt.all(botId, limit).map(toRecord);
  }

  pendingCount(botId: string): number {
    return this.pendingCountStmt.get(botId)?.n ?? 0;
  }

  /** A bot's dead letters, newest first. */
  deadLetters(botId: string, limit: number): BotEventRecord[] {
    return this.deadStmt.all(botId, limit).map(toRecord);
  }

  /** The webhook took these events; the bot's next pending event is due at `now`. */
  delivered(botId: string, ids: readonly number[], now: number): void {
    this.transaction(() => {
      for (const id of ids) this.markDelivered.run(id);
      this.promote.run({ at: now, bot: botId });
    });
  }

  /**
   * A delivery of `ids` failed: each counts one more attempt; those in `deadIds` give up with
   * `error`; the bot's head (the oldest still pending) is next tried at `nextAt`.
   */
  failed(botId: string, ids: readonly number[], deadIds: readonly number[], error: string, nextAt: number): void {
    const dead = new Set(deadIds);
    this.transaction(() => {
      for (const id of ids) (dead.has(id) ? this.markDead : this.markFailed).run(error, id);
      const head = this.pendingStmt.get(botId, 1);
      if (head) this.schedule.run(nextAt, head.id);
    });
  }

  /** The bot no longer takes webhooks (mode changed, webhook removed): its queue is kept for polling only. */
  stopDelivery(botId: string): number {
    return this.dropPending.run(botId).changes;
  }

  /** The highest event id retention removed for this bot (0: none); a poll from before it missed events. */
  horizon(botId: string): number {
    return this.horizonStmt.get(botId)?.pruned_through ?? 0;
  }

  /** Retention: drop events past `maxAgeMs` (a batch at a time) and beyond the newest `keepPerBot`. Returns rows deleted. */
  prune(now: number, retention: BotEventRetention = DEFAULT_BOT_EVENT_RETENTION): number {
    return this.pruneTx(now, retention);
  }

  /** Payload bytes stored per bot since the last prune: the server prunes early when one grows fast. */
  readonly bytesSincePrune = new Map<string, number>();

  private pruneNow(now: number, { maxAgeMs, keepPerBot, keepBytesPerBot, batch }: BotEventRetention): number {
    let deleted = 0;
    const reached = new Map<string, number>();
    // Ids grow with time, so the oldest rows come first and the walk stops at the first young one.
    const cutoff = now - maxAgeMs;
    const old: { id: number; botId: string }[] = [];
    for (const row of this.oldest.iterate()) {
      if (row.created_at >= cutoff || old.length >= batch) break;
      old.push({ id: row.id, botId: row.bot_id });
    }
    for (const { id, botId } of old) {
      deleted += this.deleteOne.run(id).changes;
      reached.set(botId, Math.max(reached.get(botId) ?? 0, id));
    }
    for (const botId of this.touched) {
      const keepFrom = this.nthNewest.get(botId, keepPerBot - 1)?.id;
      if (keepFrom === undefined) continue;
      const last = this.lastBefore.get(botId, keepFrom)?.id;
      if (last === null || last === undefined) continue;
      deleted += this.deleteBefore.run(botId, keepFrom).changes;
      reached.set(botId, Math.max(reached.get(botId) ?? 0, last));
    }
    for (const botId of this.touched) {
      const over = this.firstOverBytes.get(botId, keepBytesPerBot)?.id;
      if (over === undefined) continue;
      deleted += this.deleteBefore.run(botId, over + 1).changes;
      reached.set(botId, Math.max(reached.get(botId) ?? 0, over));
    }
    this.bytesSincePrune.clear();
    this.touched.clear();
    for (const [botId, through] of reached) this.raiseHorizon.run(botId, through);
    if (deleted) this.promoteAll.run(now);
    return deleted;
  }

  private transaction(work: () => void): void {
    if (this.db.inTransaction) work();
    else this.db.transaction(work)();
  }
}

function toEvent(row: Row): BotEvent {
  const { roomId, data } = JSON.parse(row.payload) as { roomId: string; data: unknown };
  return { id: row.id, type: row.type, roomId, at: row.created_at, data };
}

function toRecord(row: Row): BotEventRecord {
  return { ...toEvent(row), botId: row.bot_id, attempts: row.attempts, lastError: row.last_error };
}
