import { describe, expect, it } from "vitest";
import { TickStats } from "./tick-stats.ts";

describe("TickStats", () => {
  it("summarises the window and forgets what falls out of it", () => {
    const stats = new TickStats(100);
    for (let i = 1; i <= 100; i++) stats.record(i);
    expect(stats.summary()).toEqual({ ticks: 100, p50Ms: 51, p99Ms: 100, maxMs: 100 });
    for (let i = 0; i < 100; i++) stats.record(0.5);
    expect(stats.summary()).toEqual({ ticks: 100, p50Ms: 0.5, p99Ms: 0.5, maxMs: 0.5 });
    stats.reset();
    expect(stats.summary().ticks).toBe(0);
  });
});
