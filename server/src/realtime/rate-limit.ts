/** Token bucket per connection: `ratePerS` refill, `burst` capacity. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private lastWarned = 0;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerS);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** One `rate_limited` reply per second is enough; a flood must not double itself in replies. */
  shouldWarn(now = Date.now()): boolean {
    if (now - this.lastWarned < 1000) return false;
    this.lastWarned = now;
    return true;
  }
}
