import type { BenchLine } from "./report.ts";

export interface BenchOptions {
  /** Fewer rounds and sizes: a smoke run for CI. */
  quick: boolean;
}

/** A named group of benchmarks; each result is emitted as it is measured. */
export interface BenchSuite {
  name: string;
  description: string;
  run(options: BenchOptions, emit: (line: BenchLine) => void): Promise<void> | void;
}
