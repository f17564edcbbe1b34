/** When a bot that exited by itself is started again. Every timing is injectable so tests run in seconds. */
export interface RestartTimings {
  /** The first restart's wait; each further one doubles it. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A run at least this long was healthy: the next wait starts from the base again. */
  healthyMs: number;
  /** An exit this soon after starting is a crash at start... */
  crashWindowMs: number;
  /** ...and this many of them in a row is a crash loop: no more restarts until started again. */
  crashLimit: number;
}

export const DEFAULT_RESTART: RestartTimings = {
  backoffBaseMs: 1000,
  backoffMaxMs: 5 * 60_000,
  healthyMs: 60_000,
  crashWindowMs: 10_000,
  crashLimit: 5,
};

/** What the policy remembers between exits of one bot (both zero at a start). */
export interface RestartCounters {
  /** Restarts since the last healthy run: the exponent of the next wait. */
  attempt: number;
  /** Exits in a row within the crash window of their start. */
  quickExits: number;
}

export type AfterExit =
  | { kind: "restart"; delayMs: number; counters: RestartCounters }
  | { kind: "crash_looping"; counters: RestartCounters };

export function afterExit(counters: RestartCounters, uptimeMs: number, timings: RestartTimings): AfterExit {
  const attempt = uptimeMs >= timings.healthyMs ? 0 : counters.attempt;
  const quickExits = uptimeMs < timings.crashWindowMs ? counters.quickExits + 1 : 0;
  if (quickExits >= timings.crashLimit) return { kind: "crash_looping", counters: { attempt, quickExits } };
  const delayMs = Math.min(timings.backoffBaseMs * 2 ** Math.min(attempt, 30), timings.backoffMaxMs);
  return { kind: "restart", delayMs, counters: { attempt: attempt + 1, quickExits } };
}
