import { describe, expect, it } from "vitest";
import { KeyedRateLimiter, RateLimiter } from "./limits.ts";

describe("rate limits", () => {
  it("allows the burst, then the rate", () => {
    const limiter = new RateLimiter(10, 5, 0);
    const allowed = Array.from({ length: 8 }, () => limiter.take(0)).filter(Boolean).length;
    expect(allowed).toBe(5);
    expect(limiter.retryAfterS(0)).toBe(1);
    expect(limiter.take(100)).toBe(true); // 100 ms at 10/s refills one token
    expect(limiter.take(100)).toBe(false);
  });

  it("warns at most once a second", () => {
    const limiter = new RateLimiter(1, 1, 0);
    expect([0, 10, 999, 1000, 1500].map((t) => limiter.shouldWarn(t))).toEqual([true, false, false, true, false]);
  });

  it("keeps one bucket per key", () => {
    const keyed = new KeyedRateLimiter(1, 2);
    expect([keyed.take("a", 0), keyed.take("a", 0), keyed.take("a", 0)]).toEqual([true, true, false]);
    expect(keyed.take("b", 0)).toBe(true);
  });
});
