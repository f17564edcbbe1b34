import type { BenchSuite } from "../suite.ts";
import { movementBench } from "./movement.bench.ts";
import { tickBench } from "./tick.bench.ts";

/** The sim: ECS movement against a raw typed-array loop, and full-tick latency. */
export const simSuite: BenchSuite = {
  name: "sim",
  description: "movementSystem vs a raw loop; sim.step() p50/p99/max at 1k and 10k entities",
  run: (options, emit) => {
    const sizes = options.quick ? [10_000] : [1_000, 10_000];
    for (const n of sizes) emit(movementBench(n, options));
    for (const n of [1_000, 10_000]) emit(tickBench(n, options));
  },
};
