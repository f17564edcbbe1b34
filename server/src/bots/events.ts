import type { MeshDatabase } from "@mesh/persistence";
import { type BotEvent, type BotEventType, err, ErrorCode, ok, type Result } from "@mesh/schema";
import type { Logger } from "../logger.ts";

/** What a poll answers: the events after the cursor, the cursor to send next, and whether retention dropped some unseen. */
export interface PollAnswer {
  events: BotEvent[];
  /** The last id returned, or the cursor asked with when none. */
  cursor: number;
  /** Events after the cursor were removed by retention (older than 7 days, or beyond the newest 10,000 or 16 MB) before this poll. */
  missed: boolean;
}

export interface PollOptions {
  limit: number;
  /** How long to wait for a first event when none is there (0: answer at once). */
  waitMs: number;
  /** Aborted when the client goes away: its waiter is released. */
  signal?: AbortSignal;
  /** The bot's owner: the bots of one owner share `pollsPerOwner`. */
  ownerId?: string;
}

export interface BotEventLimits {
  /** Long-polls one bot may hold open at once. */
  pollsPerBot: number;
  /** Long-polls the bots of one owner may hold open at once, all together (many bots, many accounts' worth). */
  pollsPerOwner: number;
  /** Long-polls held open at once, all bots together. */
  pollsTotal: number;
  /** The longest a poll waits. */
  maxWaitMs: number;
}

export const DEFAULT_BOT_EVENT_LIMITS: BotEventLimits = { pollsPerBot: 4, pollsPerOwner: 8, pollsTotal: 1_000, maxWaitMs: 25_000 };

interface Published {
  botId: string;
  type: BotEventType;
  roomId: string;
  data: unknown;
  at: number;
}

interface Waiter {
  cursor: number;
  limit: number;
  finish(events: BotEvent[]): void;
}

/**
 * What socketless bots are told (`services.botEvents`). The room runtime publishes during its
 * tick; at the next turn of the event loop, off the tick, that turn's events are stored in one
 * transaction (durable, in order, pollable by cursor), queued for the webhooks of bridge bots, and
 * wake their bots' long-polls. Publishing never waits on storage, a poller or a webhook.
 */
export class BotEvents {
  private queue: Published[] = [];
  private readonly waiters = new Map<string, Set<Waiter>>();
  private waiting = 0;
  private readonly waitingByOwner = new Map<string, number>();
  /** Bots that gained events in this flush: their waiting polls look again. */
  private readonly toWake = new Set<string>();
  private closed = false;

  constructor(
    private readonly db: MeshDatabase,
    private readonly log: Logger,
    /** A bridge bot has something new for its webhook. */
    private readonly onPending: (botId: string) => void = () => {},
    private readonly limits: BotEventLimits = DEFAULT_BOT_EVENT_LIMITS,
  ) {}

  /**
   * Tell a socketless bot something that happened in `roomId`; `data` is serialised when stored,
   * so the caller hands it over and does not change it. Channel bots (and unknown ids) are
   * skipped when stored: they hear the room over their socket.
   */
  publish(botId: string, type: BotEventType, roomId: string, data: unknown): void {
    if (this.closed) return;
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push({ botId, type, roomId, data, at: Date.now() });
  }

  /**
   * Store what was published, in one transaction, and tell webhooks and waiting polls. Runs by
   * itself after each publishing turn; returns the events stored. A storage failure is logged and
   * those events are lost, as the tick's own messages would be.
   */
  flush(): BotEvent[] {
    const batch = this.queue;
    if (batch.length === 0) return [];
    this.queue = [];
    const stored: BotEvent[] = [];
    const bridged = new Set<string>();
    try {
      this.db.sqlite.transaction(() => {
        const modes = new Map<string, string | undefined>();
        for (const { botId, type, roomId, data, at } of batch) {
          if (!modes.has(botId)) modes.set(botId, this.db.bots.get(botId)?.mode);
          const mode = modes.get(botId);
          if (mode !== "bridge" && mode !== "polling") continue;
          stored.push(this.db.botEvents.append(botId, type, roomId, data, mode === "bridge" ? "pending" : "none", at));
          if (mode === "bridge") bridged.add(botId);
          if (this.waiters.has(botId)) this.toWake.add(botId);
        }
      })();
    } catch (error) {
      this.log.warn({ err: error, events: batch.length }, "could not store bot events");
      return [];
    }
    for (const botId of bridged) this.onPending(botId);
    this.wakeAll();
    return stored;
  }

  /**
   * The bot's events after `cursor`, at once if there are any; otherwise wait up to `waitMs`
   * for the first to be published. `rate_limited` when the bot (or the mesh) holds too many
   * long-polls open already.
   */
  poll(botId: string, cursor: number, { limit, waitMs, signal, ownerId = "" }: PollOptions): Promise<Result<PollAnswer>> {
    const answer = (events: BotEvent[]): Result<PollAnswer> =>
      ok({ events, cursor: events.at(-1)?.id ?? cursor, missed: this.db.botEvents.horizon(botId) > cursor });
    const ready = this.db.botEvents.after(botId, cursor, limit);
    if (ready.length || waitMs <= 0 || this.closed || signal?.aborted) return Promise.resolve(answer(ready));
    const mine = this.waiters.get(botId) ?? new Set<Waiter>();
    if (mine.size >= this.limits.pollsPerBot) {
      return Promise.resolve(err(ErrorCode.RateLimited, `at most ${this.limits.pollsPerBot} polls may wait at once for one bot`));
    }
    const owned = this.waitingByOwner.get(ownerId) ?? 0;
    if (owned >= this.limits.pollsPerOwner) {
      return Promise.resolve(err(ErrorCode.RateLimited, `the bots of one owner may hold at most ${this.limits.pollsPerOwner} waiting polls together`));
    }
    if (this.waiting >= this.limits.pollsTotal) {
      return Promise.resolve(err(ErrorCode.RateLimited, "the mesh holds as many waiting polls as it allows; retry shortly"));
    }
    return new Promise((resolve) => {
      const stop = () => waiter.finish([]);
      const timer = setTimeout(stop, Math.min(waitMs, this.limits.maxWaitMs));
      const waiter: Waiter = {
        cursor,
        limit,
        finish: (events) => {
          if (!mine.delete(waiter)) return; // finished already
          this.waiting -= 1;
          const left = (this.waitingByOwner.get(ownerId) ?? 1) - 1;
          if (left > 0) this.waitingByOwner.set(ownerId, left);
          else this.waitingByOwner.delete(ownerId);
          if (mine.size === 0) this.waiters.delete(botId);
          clearTimeout(timer);
          signal?.removeEventListener("abort", stop);
          resolve(answer(events));
        },
      };
      mine.add(waiter);
      this.waiters.set(botId, mine);
      this.waiting += 1;
      this.waitingByOwner.set(ownerId, owned + 1);
      signal?.addEventListener("abort", stop, { once: true });
    });
  }

  /** Long-polls waiting now (for tests and stats). */
  get waitingPolls(): number {
    return this.waiting;
  }

  /** Store what is still queued, answer every waiting poll (empty) and take no more events: the server is closing. */
  close(): void {
    this.flush();
    this.closed = true;
    for (const waiters of [...this.waiters.values()]) for (const waiter of [...waiters]) waiter.finish([]);
  }

  private wakeAll(): void {
    const bots = [...this.toWake];
    this.toWake.clear();
    if (this.closed) return;
    for (const botId of bots) {
      for (const waiter of [...(this.waiters.get(botId) ?? [])]) {
        try {
          const events = this.db.botEvents.after(botId, waiter.cursor, waiter.limit);
          if (events.length) waiter.finish(events);
        } catch (error) {
          this.log.warn({ err: error, botId }, "could not read bot events for a waiting poll");
          waiter.finish([]);
        }
      }
    }
  }
}
