import { describe, expect, it } from "vitest";
import { afterExit, DEFAULT_RESTART, type RestartCounters } from "./restart-policy.ts";

describe("restart policy", () => {
  it("doubles the wait from 1 s up to 5 min, and starts over after a healthy run", () => {
    let counters: RestartCounters = { attempt: 0, quickExits: 0 };
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      const next = afterExit(counters, 30_000, DEFAULT_RESTART);
      if (next.kind !== "restart") throw new Error("expected a restart");
      waits.push(next.delayMs);
      counters = next.counters;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000]);
    expect(afterExit(counters, 60_000, DEFAULT_RESTART)).toMatchObject({ kind: "restart", delayMs: 1000 });
  });

  it("calls five exits in a row right after starting a crash loop, and a longer run breaks the row", () => {
    let counters: RestartCounters = { attempt: 0, quickExits: 0 };
    for (let i = 0; i < 4; i++) {
      const next = afterExit(counters, 100, DEFAULT_RESTART);
      expect(next.kind).toBe("restart");
      counters = next.counters;
    }
    expect(afterExit(counters, 20_000, DEFAULT_RESTART).counters.quickExits).toBe(0);
    expect(afterExit(counters, 100, DEFAULT_RESTART).kind).toBe("crash_looping");
  });
});
