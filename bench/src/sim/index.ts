import type { BenchSuite } from "../suite.ts";
import { movementBench } from "./movement.bench.ts";
import { ordersBench } from "./orders.bench.ts";
import { tickBench } from "./tick.bench.ts";

/** The sim: ECS movement against a raw typed-array loop, full-tick latency, and ticks under bots' orders. */
export const simSuite: BenchSuite = {
  name: "sim",
  description:
    "movementSystem vs a raw loop; sim.step() p50/p99/max at 1k and 10k entities; 500 bots under move_to and follow orders vs no orders",
  run: (options, emit) => {
    const sizes = options.quick ? [10_000] : [1_000, 10_000];
    for (const n of sizes) emit(movementBench(n, options));
    for (const n of [1_000, 10_000]) emit(tickBench(n, options));
    for (const line of ordersBench(options)) emit(line);
  },
};
