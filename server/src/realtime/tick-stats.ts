import { monitorEventLoopDelay } from "node:perf_hooks";

export interface TickSummary {
  /** Ticks in the window (the last minute at 20 Hz). */
  ticks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Durations of the latest ticks (step, persist, sync and patch together), for operators and benches. */
export class TickStats {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  constructor(window = 1200) {
    this.samples = new Float64Array(window);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.count < this.samples.length) this.count++;
  }

  /** Clear the window, e.g. before a measured load begins. */
  reset(): void {
    this.count = 0;
    this.next = 0;
  }

  summary(): TickSummary {
    if (this.count === 0) return { ticks: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    const sorted = this.samples.slice(0, this.count).sort();
    const at = (q: number) => sorted[Math.min(this.count - 1, Math.floor(q * this.count))];
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return { ticks: this.count, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(sorted[this.count - 1]) };
  }
}

/**
 * How late the process's event loop runs (work outside any tick counts too: REST, indexing,
 * uploads): ms, process-wide, since the last reset.
 */
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

export function eventLoopDelay(reset = false): { p50Ms: number; p99Ms: number; maxMs: number } {
  const ms = (ns: number) => Math.round(ns / 1000) / 1000;
  const summary = { p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max) };
  if (reset) loop.reset();
  return summary;
}
