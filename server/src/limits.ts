/** Token bucket: `ratePerS` refill, `burst` capacity. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private lastWarned = Number.NEGATIVE_INFINITY;
  private lastWarnedSend = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    return this.spend(1, now);
  }

  /** Take `cost` tokens at once (an expensive request counts as several), or none. */
  spend(cost: number, now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Seconds until one more token is available (0 if one is). */
  retryAfterS(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.ratePerS);
  }

  /** True when the bucket is full again: nothing to remember for this key. */
  idle(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  /**
   * One `rate_limited` reply per second is enough; a flood must not double itself in replies. Sends
   * have a warning of their own: someone waits on each, and a burst of typing or moves must not
   * use up the one that would tell them their message was refused.
   */
  shouldWarn(now = Date.now(), kind: "send" | "other" = "other"): boolean {
    const last = kind === "send" ? this.lastWarnedSend : this.lastWarned;
    if (now - last < 1000) return false;
    if (kind === "send") this.lastWarnedSend = now;
    else this.lastWarned = now;
    return true;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerS);
    this.last = now;
  }
}

/** One bucket per key (participant, address), so extra sockets never multiply an allowance. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, RateLimiter>();
  private lastSweep = Date.now();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {}

  bucket(key: string, now = Date.now()): RateLimiter {
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new RateLimiter(this.ratePerS, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  take(key: string, now = Date.now()): boolean {
    return this.bucket(key, now).take(now);
  }

  /** Drop full buckets once a minute so memory follows active senders, not all senders ever. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (bucket.idle(now)) this.buckets.delete(key);
  }
}
